"""Imports a module the interpreter does not have."""
import radflow_module_that_does_not_exist  # noqa: F401


class MDAIModel:
    def predict(self, data):
        return []
