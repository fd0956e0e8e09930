from pathlib import Path

from shared.settings import ServiceSettings

README = (Path(__file__).parents[2] / "README.md").read_text()


def test_the_readme_documents_every_option():
    for name in ServiceSettings.model_fields:
        common, per_service = f"REDRESS_{name.upper()}", f"REDRESS_<SERVICE>_{name.upper()}"
        assert common in README or per_service in README, f"{name} is missing from the README's configuration"


def test_the_readme_documents_every_service_option():
    from services.catalog import SERVICES

    for spec in SERVICES.values():
        for name in spec.settings_cls.model_fields.keys() - ServiceSettings.model_fields.keys():
            variable = f"REDRESS_{spec.name.upper()}_{name.upper()}"
            assert variable in README, f"{variable} is missing from the README's configuration"


def test_the_readme_starts_with_the_two_commands():
    assert README.index("make run") < README.index("## Architecture")
    assert README.index("make test") < README.index("## Architecture")
