class MDAIModel:
    def predict(self, data):
        return []
