"""The adversarial suite: each module plays one attack or fault against the real server
(raw HTTP, Chromium, killed or frozen stores) and asserts that nothing is lost or leaked.
One module per hole; a module's docstring names the attack and what the server did before."""
