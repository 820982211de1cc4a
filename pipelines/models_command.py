"""`standpunt models`: what the registry holds and which model `predict`
will use now, so nobody has to guess whether a smoke-test training took over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from standpunt.models.identity import recorded_dev_macro_f1, weights_sha256
from standpunt.models.loading import SHIPPED_MODEL, choose_model
from standpunt.pipelines.core.tracking import RegistrySettings, sqlite_path


def _short_hash(folder: str | Path) -> str:
    try:
        return weights_sha256(folder)[:12]
    except OSError:
        return "none (no .safetensors)"


def _f1(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def registered_versions(settings: RegistrySettings) -> list[dict]:
    """Every version of the registered model: version, dev macro-F1 (of its
    training run), created (UTC), aliases. Empty where there is no registry."""
    uri = settings.uri()
    database = sqlite_path(uri)
    if database is not None and not database.exists():
        return []
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from standpunt.models.loading import _use_registry

    _use_registry(uri)
    client = MlflowClient()
    try:
        versions = client.search_model_versions(f"name = '{settings.registered_model}'")
        # search_model_versions leaves `aliases` empty; the registered model has them.
        aliases = client.get_registered_model(settings.registered_model).aliases if versions else {}
    except MlflowException:
        return []
    by_version: dict[str, list[str]] = {}
    for alias, number in (aliases or {}).items():
        by_version.setdefault(str(number), []).append(alias)
    rows = []
    for version in sorted(versions, key=lambda v: int(v.version)):
        try:
            f1 = client.get_run(version.run_id).data.metrics.get("dev_macro_f1") if version.run_id else None
        except MlflowException:
            f1 = None
        created = dt.datetime.fromtimestamp(version.creation_timestamp / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M")
        rows.append(
            {
                "version": str(version.version),
                "dev_macro_f1": f1,
                "created": created,
                "aliases": sorted(by_version.get(str(version.version), [])),
                "run_id": version.run_id,
            }
        )
    return rows


def describe_models(settings: RegistrySettings, model: str | None = None) -> str:
    """The listing `standpunt models` prints (plain text, one fact a line)."""
    uri = settings.uri()
    rows = registered_versions(settings)
    lines = [f"registry: {uri}, registered model {settings.registered_model!r}"]
    if rows:
        lines.append(f"  {'version':>7}  {'dev macro-F1':>12}  {'created (UTC)':<16}  aliases")
        for row in rows:
            lines.append(
                f"  {row['version']:>7}  {_f1(row['dev_macro_f1']):>12}  "
                f"{row['created']:<16}  {', '.join(row['aliases'])}"
            )
    else:
        lines.append("  no registered versions")
    champion = next((row for row in rows if settings.alias in row["aliases"]), None)
    lines.append(
        f"@{settings.alias}: "
        + (f"version {champion['version']} (dev macro-F1 {_f1(champion['dev_macro_f1'])})" if champion else "none")
    )
    shipped_f1 = recorded_dev_macro_f1(SHIPPED_MODEL)
    lines.append(
        f"shipped default: {SHIPPED_MODEL} (dev macro-F1 {_f1(shipped_f1)}, weights {_short_hash(SHIPPED_MODEL)})"
    )
    chosen = choose_model(model, settings)
    if chosen == settings.default_uri and champion:
        lines.append(
            f"predict uses: {chosen} = version {champion['version']} (dev macro-F1 {_f1(champion['dev_macro_f1'])})"
        )
    elif Path(chosen).is_dir():
        why = "" if model else f" (no @{settings.alias} in the registry)"
        lines.append(
            f"predict uses: {chosen}{why} (dev macro-F1 {_f1(recorded_dev_macro_f1(chosen))}, "
            f"weights {_short_hash(chosen)})"
        )
    else:
        lines.append(f"predict uses: {chosen}")
    return "\n".join(lines)
