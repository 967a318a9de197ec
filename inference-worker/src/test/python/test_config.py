""".mdai/config.yaml: MD.ai's settings as the runner reads them, with and without PyYAML."""

import pytest

from radflow_mdai_runner import config

MDAI_CONFIG = """\
# MD.ai's example config
base_image: py38
device_type: GPU
cuda_version: 11.0
batch_size: 8
file_type: DICOM
env:
  THRESHOLD: "0.5"
  MODE: fast   # trailing comment
"""


def write(tmp_path, name, text):
    mdai = tmp_path / ".mdai"
    mdai.mkdir(exist_ok=True)
    (mdai / name).write_text(text, encoding="utf-8")
    return str(mdai)


def test_should_read_mdai_settings_and_env(tmp_path):
    settings = config.read_config(write(tmp_path, "config.yaml", MDAI_CONFIG))
    assert settings["base_image"] == "py38"
    assert settings["env"] == {"THRESHOLD": "0.5", "MODE": "fast"}
    assert config.device_type(settings) == "gpu"
    assert config.batch_size(settings) == 8
    assert config.file_type(settings) == "dicom"
    assert config.environment_variables(settings) == {"THRESHOLD": "0.5", "MODE": "fast"}


def test_should_read_config_yml_when_there_is_no_config_yaml(tmp_path):
    assert config.read_config(write(tmp_path, "config.yml", "device_type: cpu\n")) == {"device_type": "cpu"}


def test_should_prefer_config_yaml_over_config_yml(tmp_path):
    write(tmp_path, "config.yml", "batch_size: 2\n")
    assert config.read_config(write(tmp_path, "config.yaml", "batch_size: 4\n")) == {"batch_size": 4}


def test_should_take_no_file_or_an_empty_file_as_no_settings(tmp_path):
    assert config.read_config(str(tmp_path / ".mdai")) == {}
    assert config.read_config(write(tmp_path, "config.yaml", "# nothing\n")) == {}


def test_should_refuse_a_config_that_is_not_a_mapping(tmp_path):
    with pytest.raises(ValueError, match=r"\.mdai/config.yaml is not a mapping of settings"):
        config.read_config(write(tmp_path, "config.yaml", "- a\n- b\n"))


def test_should_read_the_same_settings_without_pyyaml():
    settings = config.flat_yaml(MDAI_CONFIG)
    assert settings["env"] == {"THRESHOLD": "0.5", "MODE": "fast"}
    assert settings["device_type"] == "GPU" and settings["batch_size"] == "8"
    assert config.device_type(settings) == "gpu"
    assert config.batch_size(settings) == 8  # the string a flat read gives is a number all the same


def test_should_default_to_cpu_dicom_and_no_batch_size():
    assert config.device_type({}) == "cpu"
    assert config.batch_size({}) is None
    assert config.file_type({}) == "dicom"
    assert config.environment_variables({"env": None}) == {}
    assert config.environment_variables({"env": {"N": 3, "ON": True}}) == {"N": "3", "ON": "True"}


def test_should_refuse_an_unknown_device_type_and_a_batch_size_that_is_no_number():
    with pytest.raises(config.ConfigError, match=r"config.yaml device_type is 'tpu'; MD.ai takes cpu or gpu"):
        config.device_type({"device_type": "TPU"})
    with pytest.raises(config.ConfigError, match=r"config.yaml batch_size is 'many', not a whole number"):
        config.batch_size({"batch_size": "many"})
