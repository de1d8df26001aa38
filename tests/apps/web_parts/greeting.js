// Does what Lit does with Trusted Types, without Lit (no CDN in tests): its templates
// reach innerHTML through a policy of its own named "lit-html", which the page's CSP must
// allow for Mesop's Lit-based components to work.
const policy = window.trustedTypes
  ? trustedTypes.createPolicy("lit-html", { createHTML: (html) => html })
  : { createHTML: (html) => html };

class TestGreeting extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._name = "";
  }

  set name(name) {
    this._name = name;
    // A template with a hole filled as text, as Lit renders one.
    this.shadowRoot.innerHTML = policy.createHTML("<p class=\"greeting\">Hello, <b></b>!</p>");
    this.shadowRoot.querySelector("b").textContent = name;
  }
  get name() { return this._name; }
}

customElements.define("test-greeting", TestGreeting);
