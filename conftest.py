"""The suite's fixtures live in the testing package (testing/), registered here as pytest plugins; the
test modules import its helpers from there, never from one another."""

pytest_plugins = ["testing.fixtures", "testing.scenarios", "testing.browser"]
