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


def test_an_experiment_config_extends_another_and_names_only_what_it_changes(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(DEFAULT.read_text())
    (tmp_path / "experiments").mkdir()
    experiment = tmp_path / "experiments" / "more.yaml"
    experiment.write_text("extends: ../base.yaml\ndata:\n  folds: 3\ntrain:\n  epochs: 2\n")
    config = load_config(experiment, ["train.seed=7"])
    default = load_config(DEFAULT)
    assert (config.data.folds, config.train.epochs, config.train.seed) == (3, 2, 7)
    # the rest of each section comes from the base
    assert config.data.real == default.data.real and config.train.batch_size == default.train.batch_size
    assert config.model == default.model


def test_the_shipped_recipe_is_the_default_one_on_every_letter_it_trained_on():
    ship = load_config(ROOT / "configs" / "ship.yaml")
    default = load_config(DEFAULT)
    assert ship.model == default.model and ship.train == default.train
    assert set(default.data.real) < set(ship.data.real) and ship.data.folds == 3


def test_an_extends_loop_or_a_missing_base_is_a_one_line_error(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("extends: b.yaml\n")
    second.write_text("extends: a.yaml\n")
    with pytest.raises(ConfigError, match="'extends' loops back to a.yaml"):
        load_config(first)
    lonely = tmp_path / "c.yaml"
    lonely.write_text("extends: nowhere.yaml\n")
    with pytest.raises(ConfigError, match="nowhere.yaml: config file does not exist"):
        load_config(lonely)
    (tmp_path / "d.yaml").write_text("extends: [a.yaml]\n")
    with pytest.raises(ConfigError, match="'extends' must name another config file"):
        load_config(tmp_path / "d.yaml")
