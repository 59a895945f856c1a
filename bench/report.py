"""run.py's Markdown table, and the line describing the data it ran on."""


def _ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(meta: dict, results: list[dict], memory: dict | None, load: dict | None) -> str:
    lines = [
        f"# bench/run.py at the {meta['scale']} scale, {meta['date']}",
        "",
        f"{meta['data']}. gunicorn: `{meta['gunicorn']}`; {meta['rounds']} interleaved rounds, "
        f"medians shown; load average {meta['load_before']} before, {meta['load_after']} after "
        "(a shared machine: expect noise).",
        "",
        "| case | queries | SQL alone ms | first request: queries, SQL ms | "
        "1 client p50 / p95 / p99 ms | req/s | 8 clients p50 / p95 / p99 ms | req/s | "
        "p50 / SQL | peak worker MB | missed targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        cells = []
        for clients in ("1", "8"):
            run = result["clients"].get(clients)
            if run is None:
                cells += ["-", "-"]
            else:
                cells += [
                    f"{_ms(run['p50'])} / {_ms(run['p95'])} / {_ms(run['p99'])}",
                    f"{run['rps']:.1f}",
                ]
        ratio = "-" if result["ratio"] is None else f"{result['ratio']:.1f}x"
        missed = [item["target"] for item in result["targets"] if not item["met"]]
        if result["errors"]:
            missed.insert(0, f"**{result['errors']} errors** ({', '.join(result['error_kinds'])})")
        label = result["label"]
        if "events" in result:
            label += f" ({result['events']:,} events)"
        if "bytes" in result:
            label += f" ({result['bytes'] / 2**20:,.0f} MiB, complete: {result['complete']})"
        first = (
            f"{result['first_queries']}, {_ms(result['first_sql_ms'])}"
            if "first_queries" in result
            else "-"
        )
        lines.append(
            f"| {label} | {result['queries']} | {_ms(result['sql_ms'])} | {first} | {cells[0]} | "
            f"{cells[1]} | {cells[2]} | {cells[3]} | {ratio} | "
            f"{result['peak_worker_mb']:.0f} | {', '.join(missed) or '-'} |"
        )
    if memory:
        after = memory["after_search_mb"]
        missed = [item["target"] for item in memory["targets"] if not item["met"]]
        lines += [
            "",
            f"Workers' memory (RSS, the larger worker): {memory['baseline_mb']:.0f} MB as started "
            f"(the baseline), peak {memory['peak_mb']:.0f} MB"
            + (f", after the first searches {after:.0f} MB" if after is not None else "")
            + (f", at the end of the run {memory['end_mb']:.0f} MB" if "end_mb" in memory else "")
            + f"; missed: {', '.join(missed) or '-'}.",
        ]
    if load:
        lines += [
            "",
            f"Load check: {load['rate_asked']:g} req/s asked for {load['duration_s']:g} s "
            f"(80 % search and detail reads, 15 % API reads, 5 % editors' API writes): "
            f"{load['requests']} requests, {load['rate_done']:.1f} req/s done, "
            f"**{load['errors']} errors**{' ' + str(load['error_kinds']) if load['errors'] else ''}"
            f", p50 {_ms(load['p50'])} ms, p99 {_ms(load['p99'])} ms, peak worker "
            f"{load['peak_worker_mb']:.0f} MB.",
            "",
            "| category | requests | p50 ms | p99 ms |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, row in load["by_category"].items():
            lines.append(f"| {name} | {row['n']} | {_ms(row['p50'])} | {_ms(row['p99'])} |")
        lines += [
            "",
            "Workers' memory over time (MB): "
            + "; ".join(
                f"{point['s']:g} s: {' / '.join(f'{mb:.0f}' for mb in point['workers_mb'])}"
                for point in load["memory"]
            ),
        ]
    return "\n".join(lines) + "\n"


def describe_data() -> str:
    from capabilities.models import Institute, Service, Testbed
    from nmiq_portal.changes.models import ChangeEvent

    return (
        f"{Institute.objects.count():,} institutes, {Testbed.objects.count():,} testbeds and "
        f"{Service.objects.count():,} services ({Testbed.objects.public().count():,} and "
        f"{Service.objects.public().count():,} public), {ChangeEvent.objects.count():,} feed events"
    )
