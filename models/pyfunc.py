"""The trained model as an MLflow pyfunc: DataFrame with a `text` column in,
`label` and one score column per label out. Lets a team serve the registered
model, or run it as a Spark UDF over a table of paragraphs, without this repo."""

from __future__ import annotations

import mlflow.models
import mlflow.pyfunc
import pandas as pd


class StancePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        from standpunt.models.combination import Combination
        from standpunt.models.stance_model import StanceModel

        self.model = StanceModel.load(context.artifacts["model_dir"])
        self.predict_texts = self.model.predict
        combination = Combination.load(context.artifacts["model_dir"])
        if combination is not None:  # the same scores as `standpunt predict` on this folder
            self.predict_texts = combination.wrap(self.model.predict)

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        if "text" not in model_input.columns:
            raise ValueError("input needs a 'text' column")
        texts = ["" if t is None else str(t) for t in model_input["text"].tolist()]
        prediction = self.predict_texts(texts)
        frame = pd.DataFrame({"label": prediction.labels})
        for label, column in zip(prediction.order, prediction.scores.T):
            frame[label] = column.astype("float64")
        return frame


def signature(labels: tuple[str, ...]):
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    inputs = Schema([ColSpec("string", "text")])
    outputs = Schema([ColSpec("string", "label")] + [ColSpec("double", label) for label in labels])
    return ModelSignature(inputs=inputs, outputs=outputs)


# Models-from-code: MLflow logs this file instead of pickling an object.
mlflow.models.set_model(StancePyfunc())
