"""`python -m rules backtest --since 24h [--draft DIR]`: the backtest's command-line edge."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from db.backtest import BacktestReport, backtest
from db.engine import make_sessionmaker
from db.workbench import live_ruleset_for
from moderation.config import Settings
from rules import load_ruleset

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_window(text: str) -> timedelta:
    """`90m`, `24h`, `7d` → a timedelta."""
    match = re.fullmatch(r"(\d+)([mhd])", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected e.g. 90m, 24h or 7d (got {text!r})")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=parse_window, default=timedelta(hours=24))
    parser.add_argument("--draft", help="draft pack folder (default: RULES_DIR)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    Session = make_sessionmaker(settings.database_url)
    draft = load_ruleset(args.draft or settings.rules_dir)
    live = live_ruleset_for(Session, settings)
    with Session() as session:
        report = backtest(session, draft, live, since=datetime.now(UTC) - args.since)
    print(render(report))
    return 0


def render(report: BacktestReport) -> str:
    """The report as plain text for a terminal."""
    lines = [
        f"backtest of draft {report.draft_version} against live {report.live_version}: "
        f"{report.posts:,} posts in {report.seconds:.1f} s",
        f"posts newly flagged: {report.newly_flagged_posts:,}; "
        f"no longer flagged: {report.no_longer_flagged_posts:,}",
    ]
    if not report.rules:
        lines.append("no rule changes what it flags")
    for d in report.rules:
        precision = "n/a" if d.precision is None else f"{d.precision:.0%}"
        share = report.approved_share(d)
        approved = "n/a" if share is None else f"{share:.1%}"
        lines.append(
            f"\n{d.rule_id} ({d.change}): {d.draft_hits:,} hits (live {d.live_hits:,}), "
            f"+{d.newly_flagged_count:,} / -{d.no_longer_flagged_count:,}; precision vs "
            f"removals {precision}; approved posts it flags {approved}"
        )
        lines += [f"  + {s.post_id}: {s.text[:100]!r}" for s in d.newly_flagged]
        lines += [f"  - {s.post_id}: {s.text[:100]!r}" for s in d.no_longer_flagged]
    return "\n".join(lines)
