import pytest

from standpunt.models.config import load_config
from standpunt.pipelines.core.config_loader import ConfigError, flatten
from tests.conftest import ROOT

DEFAULT = ROOT / "configs" / "default.yaml"


def test_default_config_loads_and_overrides():
    config = load_config(
        DEFAULT, ["train.epochs=2", "model.lora_layers=[10, 11]", "tracking.tracking_uri=sqlite:///x.db"]
    )
    assert config.train.epochs == 2
    assert config.model.lora_layers == [10, 11]
    assert config.tracking.tracking_uri == "sqlite:///x.db"
    assert flatten(config)["train.epochs"] == 2
    assert load_config(DEFAULT, ["train.learning_rate=1e-3"]).train.learning_rate == 0.001


@pytest.mark.parametrize(
    "override, message",
    [
        ("train.epoch=2", "unknown key 'train.epoch'"),
        ("model.finetune=half", "key 'model.finetune' must be one of 'lora', 'full'"),
        ("train.batch_size=big", "key 'train.batch_size' must be int"),
        ("train.epochs=true", "key 'train.epochs' must be int"),
        ("data.dev_fraction=1.5", "data.dev_fraction must lie between 0 and 1"),
        ("data.folds=1", "data.folds must be null or lie between 2 and 20"),
        ("model.max_length=8", "model.max_length must lie between 16 and 512"),
        ("model.read_tokens=4", "model.read_tokens must be null or lie between 8 and model.max_length - 8"),
        ("epochs", "must look like key=value"),
    ],
)
def test_bad_keys_fail_with_one_line_naming_them(override, message):
    with pytest.raises(ConfigError) as info:
        load_config(DEFAULT, [override])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_broken_yaml_and_missing_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("train:\n  epochs: [1\n")
    with pytest.raises(ConfigError, match=r"broken.yaml: invalid YAML \(line"):
        load_config(broken)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(listy)


def test_real_corpus_files_are_the_default_configs_data_real(tmp_path):
    from standpunt.models.config import real_corpus_files

    files = real_corpus_files()
    assert files[0].name == "real.jsonl" and len(files) > 1 and all(path.exists() for path in files)
    other = tmp_path / "other.yaml"
    other.write_text("data:\n  real: [data/corpus/real_batch6.jsonl]\n")
    assert [path.name for path in real_corpus_files(other)] == ["real_batch6.jsonl"]
