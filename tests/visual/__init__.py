"""Visual parity with Mesop 1.3.7: golden screenshots of Mesop's demos, scored on ours."""
