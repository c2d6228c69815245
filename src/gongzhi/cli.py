"""The `gongzhi` console script: Django's management commands under one name.

    gongzhi demo [--rebuild]    build the demo world
    gongzhi serve               serve with gunicorn
    gongzhi migrate | check | createsuperuser | ...
"""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "gongzhi"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
