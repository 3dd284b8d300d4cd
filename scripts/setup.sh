#!/usr/bin/env bash
# Installs everything sparkplane needs on a fresh Debian 12 machine; safe to run again (seconds).
#   scripts/setup.sh          build packages + the Spark runtime venv
#   scripts/setup.sh --test   also the test clients (Airflow provider, PostgreSQL server, Chromium
#                             and fonts for the console's browser tests, ...)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

PYSPARK_VERSION=4.0.1
AIRFLOW_VERSION=2.10.5
PROVIDER_VERSION=1.1.4
SCHEMATHESIS_VERSION=4.32.5
# Airflow 2.10 sets attributes on Fernet objects, which cryptography's Rust Fernet (45+) refuses.
CRYPTOGRAPHY_VERSION=43.0.3

apt_packages=(build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
  libsimdjson-dev libsqlite3-dev libpq-dev libzstd-dev liblz4-dev libsnappy-dev liblzf-dev
  libxxhash-dev libspdlog-dev libfmt-dev libcli11-dev libexpected-dev libgtest-dev libgmock-dev
  libbenchmark-dev zlib1g-dev zstd procps sqlite3)
if (( want_test )); then
  apt_packages+=(postgresql-15 postgresql-client-15 chromium fonts-dejavu-core)
fi
# Node.js builds the console (web/); any node >= 18 with npm will do, Debian's included.
command -v node >/dev/null && command -v npm >/dev/null || apt_packages+=(nodejs npm)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""; (( EUID != 0 )) && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

venv="$root/.venv"
stamp="$venv/.sparkplane-runtime-$PYSPARK_VERSION"
if [[ ! -f "$stamp" ]]; then
  echo "setup: creating $venv with pyspark $PYSPARK_VERSION"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
  touch "$stamp"
fi

# The configuration keys this Spark knows, for "not a Spark configuration key" warnings.
pyspark_home=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
if [[ ! -s "$pyspark_home/sparkplane-config-keys.txt" ]]; then
  "$venv/bin/python" "$root/scripts/spark_config_keys.py" "$pyspark_home"
fi

if (( want_test )); then
  tstamp="$venv/.sparkplane-test-$AIRFLOW_VERSION-$PROVIDER_VERSION-$SCHEMATHESIS_VERSION-$CRYPTOGRAPHY_VERSION"
  if [[ ! -f "$tstamp" ]]; then
    echo "setup: installing test clients (Airflow $AIRFLOW_VERSION, ocean-spark-airflow-provider $PROVIDER_VERSION)"
    "$venv/bin/pip" install -q "apache-airflow==$AIRFLOW_VERSION" \
      "ocean-spark-airflow-provider==$PROVIDER_VERSION" "pyspark==$PYSPARK_VERSION" pytest requests \
      "cryptography==$CRYPTOGRAPHY_VERSION"
    "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" "cryptography==$CRYPTOGRAPHY_VERSION"
    touch "$tstamp"
  fi
fi
# The console's packages, exactly as locked; skipped while the lockfile is unchanged.
web="$root/web"
lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
web_stamp="$web/node_modules/.sparkplane-lock-$lock_sum"
if [[ ! -f "$web_stamp" ]]; then
  echo "setup: installing the console's npm packages (npm ci in web/)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$web_stamp"
fi
echo "setup: ok"
