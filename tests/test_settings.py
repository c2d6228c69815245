"""Settings come from the environment and production mode fails fast."""
import os
import subprocess
import sys

from django.urls import reverse


def run_gongzhi(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "-m", "gongzhi.cli", *args], env=clean | env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_gongzhi("check", GONGZHI_ENV="production", GONGZHI_ALLOWED_HOSTS="gongzhi.example.cn")
    assert result.returncode != 0
    assert "GONGZHI_SECRET_KEY is required" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_gongzhi("check", GONGZHI_ENV="production", GONGZHI_SECRET_KEY="short", GONGZHI_ALLOWED_HOSTS="x.cn")
    assert result.returncode != 0 and "at least 50 characters" in result.stderr


def test_the_deploy_check_is_clean_in_production_mode(tmp_path):
    result = run_gongzhi(
        "check", "--deploy", "--fail-level", "WARNING",
        GONGZHI_ENV="production", GONGZHI_SECRET_KEY="k" * 20 + "-Zq8#x1!pL0v@Rt6^bN3&mY9*cW4(eH7)" + "u" * 10,
        GONGZHI_ALLOWED_HOSTS="gongzhi.example.cn", GONGZHI_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_an_unknown_environment_name_is_refused():
    result = run_gongzhi("check", GONGZHI_ENV="staging")
    assert result.returncode != 0 and "GONGZHI_ENV must be one of" in result.stderr


def test_figures_json_is_open_in_demo_mode(client, db):
    response = client.get(reverse("figures-json"))
    assert response.status_code == 200
    assert response.json()["grids"] == 0


def test_figures_json_needs_a_sign_in_outside_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    response = client.get(reverse("figures-json"))
    assert response.status_code == 401
    assert client.get(reverse("figures")).status_code == 302
