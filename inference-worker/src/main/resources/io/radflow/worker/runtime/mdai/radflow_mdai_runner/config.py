""".mdai/config.yaml: reading it and the settings the runner takes from it."""

import os


class ConfigError(Exception):
    """A config.yaml setting the runner cannot use; the message is the start error's message."""


def read_config(mdai_dir):
    """The settings of .mdai/config.yaml (or config.yml) as a dict; {} when there is none."""
    for name in ("config.yaml", "config.yml"):
        path = os.path.join(mdai_dir, name)
        if os.path.isfile(path):
            with open(path, "r", encoding="utf-8") as f:
                text = f.read()
            try:
                import yaml
            except ImportError:
                config = flat_yaml(text)
            else:
                config = yaml.safe_load(text)
            if config is None:
                return {}
            if not isinstance(config, dict):
                raise ValueError(".mdai/%s is not a mapping of settings" % name)
            return config
    return {}


def flat_yaml(text):
    """The subset of YAML MD.ai's config.yaml uses (key: value, one nested env: mapping), for an
    interpreter without PyYAML."""
    config = {}
    section = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip().strip("\"'")
        if raw[:1] in (" ", "\t") and section is not None:
            config[section][key.strip()] = value
        elif value == "":
            section = key.strip()
            config[section] = {}
        else:
            section = None
            config[key.strip()] = value
    return config


def environment_variables(config):
    """The env: mapping as strings, to be set before the package is imported."""
    return {str(key): str(value) for key, value in (config.get("env") or {}).items()}


def device_type(config):
    """cpu or gpu (default cpu)."""
    device = str(config.get("device_type") or "cpu").lower()
    if device not in ("cpu", "gpu"):
        raise ConfigError("config.yaml device_type is %r; MD.ai takes cpu or gpu" % device)
    return device


def batch_size(config):
    """batch_size as an int, or None when it is not set."""
    value = config.get("batch_size")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        raise ConfigError("config.yaml batch_size is %r, not a whole number" % value) from None


def file_type(config):
    """file_type in lower case (default dicom)."""
    return str(config.get("file_type") or "dicom").lower()
