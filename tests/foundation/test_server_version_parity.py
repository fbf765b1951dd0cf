"""Issue 14, one truth for both paths: Anken's code uses only what the oldest supported servers have
(Redis 6.2, PostgreSQL 15; docs/supported-servers.md). CI's two passes catch what runs; this
tripwire catches a newer command in a path no test happens to reach, and names the rule."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "services", ROOT / "web" / "anken_web"]

# (what, pattern, version that first has it)
NEWER_THAN_SUPPORTED = [
    ("EXPIRE/PEXPIRE with NX|XX|GT|LT", r"\.p?expire(at)?\([^)]*\b(nx|xx|gt|lt)\s*=\s*True", "Redis 7.0"),
    ("EXPIRE options in a script", r"""(?i)['"]p?expire(at)?['"][^)]*['"](NX|XX|GT|LT)['"]""", "Redis 7.0"),
    ("LMPOP/BLMPOP/ZMPOP/BZMPOP", r"(?i)\b(b?lmpop|b?zmpop)\s*\(|['\"]B?[LZ]MPOP['\"]", "Redis 7.0"),
    ("SINTERCARD", r"(?i)\bsintercard\s*\(|['\"]SINTERCARD['\"]", "Redis 7.0"),
    ("FUNCTION / FCALL", r"\b(function_load|fcall|fcall_ro)\s*\(|['\"](FUNCTION|FCALL|function|fcall)['\"]\s*,", "Redis 7.0"),
    ("CLIENT NO-EVICT", r"client_no_evict|NO-EVICT", "Redis 7.0"),
    ("XAUTOCLAIM (2-element reply on 6.2, 3 on 7)", r"\bxautoclaim\s*\(", "Redis 7.0 reply shape"),
    ("ANY_VALUE()", r"(?i)\bany_value\s*\(", "PostgreSQL 16"),
    ("SQL/JSON constructors and IS JSON", r"\bJSON_(ARRAY|OBJECT)(AGG)?\s*\(|\bIS\s+(NOT\s+)?JSON\b", "PostgreSQL 16"),
    ("JSON_TABLE/JSON_QUERY/JSON_VALUE/JSON_EXISTS", r"(?i)\bJSON_(TABLE|QUERY|VALUE|EXISTS)\s*\(", "PostgreSQL 17"),
    ("MERGE … RETURNING / merge_action()", r"(?i)\bmerge_action\s*\(|\bMERGE\s+INTO\b[^;\"]*\bRETURNING\b", "PostgreSQL 17"),
    ("COPY … ON_ERROR", r"\bON_ERROR\b", "PostgreSQL 17"),
    ("uuidv7()", r"(?i)\buuidv7\s*\(", "PostgreSQL 18"),
    ("RETURNING OLD/NEW", r"\bRETURNING\s+(OLD|NEW)\.", "PostgreSQL 18"),
    ("a generated column that is not STORED (virtual on 18, refused by 15)",
     r"(?i)GENERATED\s+ALWAYS\s+AS\s*\((?![^;\"]*\bSTORED\b)|Computed\((?![^)]*persisted\s*=\s*True)", "PostgreSQL 18"),
]


def python_sources() -> list[Path]:
    return [p for root in SOURCES for p in root.rglob("*.py") if "/sandbox/" not in p.as_posix()]


def test_no_command_newer_than_the_oldest_supported_servers():
    found = []
    for path in python_sources():
        text = path.read_text(encoding="utf-8")
        for what, pattern, since in NEWER_THAN_SUPPORTED:
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what} needs {since}")
    assert not found, "see docs/supported-servers.md for the version-independent forms:\n" + "\n".join(found)


def test_the_tripwire_sees_what_it_looks_for():
    samples = {
        "await redis.expire(key, 300, nx=True)": "EXPIRE/PEXPIRE with NX|XX|GT|LT",
        "redis.call('EXPIRE', key, 300, 'NX')": "EXPIRE options in a script",
        "SELECT any_value(name) FROM t": "ANY_VALUE()",
        "SELECT * FROM JSON_TABLE(doc, '$')": "JSON_TABLE/JSON_QUERY/JSON_VALUE/JSON_EXISTS",
        "total int GENERATED ALWAYS AS (a + b)": "a generated column that is not STORED (virtual on 18, refused by 15)",
    }
    rules = {what: pattern for what, pattern, _ in NEWER_THAN_SUPPORTED}
    for sample, what in samples.items():
        assert re.search(rules[what], sample), sample
    harmless = ["total int GENERATED ALWAYS AS (a + b) STORED", 'Depends(get_session, scope="function")',
                "raise ExportFormatError(f'{where} is not JSON')", "id bigint GENERATED ALWAYS AS IDENTITY"]
    for sample in harmless:
        assert not [what for what, pattern in rules.items() if re.search(pattern, sample)], sample
