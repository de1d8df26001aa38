// A plain custom element (no Lit, nothing from a CDN) speaking Mesop's web component
// contract: properties set by the page, and `new MesopEvent(this.incrementEvent, value)`
// dispatched to run the Python handler. Its children (slots) show below its button.
class TestCounterComponent extends HTMLElement {
  constructor() {
    super();
    this.incrementEvent = "";
    this.settings = { step: 1 };
    this._value = 0;
    this._label = "";
    const shadow = this.attachShadow({ mode: "open" });
    this._button = document.createElement("button");
    this._button.addEventListener("click", () => {
      this.dispatchEvent(new MesopEvent(this.incrementEvent, {
        value: this._value + this.settings.step,
      }));
    });
    shadow.appendChild(this._button);
    shadow.appendChild(document.createElement("slot"));
  }

  set value(value) { this._value = value; this.render(); }
  get value() { return this._value; }
  set label(label) { this._label = label; this.render(); }
  get label() { return this._label; }

  render() {
    this._button.textContent = `${this._label}: ${this._value}`;
  }
}

customElements.define("test-counter-component", TestCounterComponent);
