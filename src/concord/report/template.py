# ruff: noqa: E501  (HTML lines are kept whole for readability)
"""The report's Jinja2 template (kept in Python so it ships with the package)."""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>Concord coordination report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #1f4e79; padding-bottom: .2em; }
table { border-collapse: collapse; font-size: 12px; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; text-align: left; }
th { background: #eef3f8; position: sticky; top: 0; z-index: 1; }
thead { display: table-header-group; }
td.num { text-align: right; } .muted { color: #666; } .fig svg { max-width: 100%; height: auto; }
details { margin: .3em 0; } summary { cursor: pointer; font-weight: 600; }
.big { font-size: 1.4em; font-weight: 700; } .d { white-space: nowrap; }
.scroll { overflow: auto; max-height: 85vh; }
.title-page { border-bottom: 3px solid #1f4e79; margin-bottom: 2em; }
.title-page .question { font-size: 1.2em; max-width: 50em; }
.title-page dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
.title-page dt { font-weight: 600; } .title-page dd { margin: 0; }
code.sha { font-size: 10px; word-break: break-all; }
nav.toc ol { columns: 2; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .title-page { break-after: page; border: none; }
  h2 { break-before: page; break-after: avoid; }
  .scroll { overflow: visible; max-height: none; }
  th { position: static; }
  table { font-size: 7.5pt; width: 100%; }
  td, th { overflow-wrap: anywhere; }
  tr, .fig { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: contents; }
  summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
  nav.toc { display: none; }
}
</style>
</head>
<body>
<header class="title-page" id="title">
<h1>Concord coordination report</h1>
<p class="question">Which persons and bodies does one government sanction under {{ figures.filter }}
regimes that another does not, since when, and how long do governments take to follow one another?</p>
<dl>
<dt>Generated</dt><dd>{{ provenance.generated_text if provenance else 'unknown' }}</dd>
<dt>Concord version</dt><dd>{{ provenance.version if provenance else version }}</dd>
<dt>Designations</dt><dd>{{ figures.filter }}, {{ 'in force on ' + figures.as_of if report.as_of else 'in force on the date of each list below' }}</dd>
<dt>Jurisdictions</dt><dd>{{ held|join(', ') }}{% if absent %}; no list held for {{ absent|join(', ') }}{% endif %}. The UN is shown as context: it has no Magnitsky-class regime.</dd>
</dl>
{% if provenance %}
<table class="sources"><caption>The official lists this report reflects</caption>
<thead><tr><th>jurisdiction</th><th>list</th><th>publisher</th><th>data as of</th><th>file (in the mirror)</th><th>sha256 of the file</th></tr></thead>
<tbody>{% for s in provenance.lists %}<tr><td>{{ s.jurisdiction }}</td><td>{{ s.title }} <span class="muted">({{ s.source }})</span></td><td>{{ s.publisher }}</td><td class="d">{{ s.data_as_of }}</td>
<td>{% for path, _ in s.files %}{{ path }}<br>{% endfor %}</td><td>{% for _, digest in s.files %}<code class="sha">{{ digest }}</code><br>{% endfor %}</td></tr>
{% endfor %}</tbody></table>
<p class="muted">"Data as of": the date of the newest snapshot of each list held (the file's own publication date where it states one, else the day it was downloaded). The workbook's Provenance sheet repeats this table.</p>
{% endif %}
<nav class="toc" aria-label="Contents"><ol>
<li><a href="#summary">Summary</a></li><li><a href="#coverage">Coverage matrix</a></li><li><a href="#gaps">Gaps per jurisdiction pair</a></li>
<li><a href="#network">Network gaps</a></li><li><a href="#delistings">Delisting gaps</a></li><li><a href="#lags">Lags</a></li>
<li><a href="#timeline">Timeline</a></li><li><a href="#alignment">Alignment</a></li><li><a href="#appendix">Appendix</a></li>
</ol></nav>
</header>
<h2 id="method">How to read it</h2>
<p>A target is one person or body, joined across lists when names and other
particulars agree (a <em>possible match</em> is an entry scored as perhaps the same, not joined).
A listed date is the date the list gives for designation under that regime; where the list gives
none, a range <code>a..b</code> between the snapshot that did not yet show the entry and the one
that did (never before the regime existed). A <em>gap</em> is a target one jurisdiction designates
and another does not, under any regime.</p>

<h2 id="summary">Summary</h2>
<p><span class="big">{{ figures.targets }}</span> targets;
<span class="big">{{ figures.on_2_plus }}</span> on 2+ lists;
<span class="big">{{ figures.on_3_plus }}</span> on 3+ lists.</p>
<table><tr><th>jurisdiction</th><th>targets ({{ figures.filter }})</th><th>targets (all regimes)</th></tr>
{% for r in figures.jurisdictions %}<tr><td>{{ r.jurisdiction }}</td><td class="num">{{ r.targets }}</td><td class="num">{{ r.all_regimes }}</td></tr>
{% endfor %}</table>
<p>Largest gaps (targets the first designates, the second not at all):</p>
<table><tr><th>designated by</th><th>missing in</th><th>targets</th><th>of which delisted</th></tr>
{% for g in figures.largest_gaps %}<tr><td>{{ g.leader }}</td><td>{{ g.missing }}</td>
<td class="num"><a href="#gaps-{{ g.leader }}-{{ g.missing }}">{{ g.gaps }}</a></td><td class="num">{{ g.delisted }}</td></tr>
{% endfor %}</table>

<h2 id="coverage">Coverage matrix</h2>
<p class="muted">Each cell: regime key and listed date (a range <code>a..b</code> when the list gives no date and
snapshots bound it; <code>..b</code> on or before the first snapshot). Designations on other grounds in brackets.</p>
<p>{{ report.coverage|length }} targets, grouped by the country the lists give for them (largest groups first).</p>
{% for country, rows in coverage_groups %}
<details id="coverage-{{ country or 'none' }}"{% if loop.first %} open{% endif %}><summary>{{ country or 'country not stated' }}: {{ rows|length }} targets</summary>
<div class="scroll"><table><thead><tr><th>target</th>{% for j in columns %}<th>{{ j }}</th>{% endfor %}<th>entries</th></tr></thead>
<tbody>{% for r in rows %}<tr><td>{{ r.name }}</td>
{% for j in columns %}<td>{% for part in r[j].split('; ') if part %}<span class="d">{{ part }}</span><br>{% endfor %}</td>{% endfor %}<td class="muted">{{ r.entries }}</td></tr>
{% endfor %}</tbody></table></div></details>
{% endfor %}

<h2 id="gaps">Gaps per jurisdiction pair</h2>
{% for pair, rows in report.gaps.items() %}
<details id="gaps-{{ pair }}"><summary>{{ pair.replace('-', ' designates, not ') }}: {{ rows|length }}</summary>
<table><tr><th>target</th><th>country</th><th>regime</th><th>listed</th><th>kind</th><th>other designations</th><th>entry</th><th>possible match (scored, not merged: check before citing)</th><th>reason</th></tr>
{% for r in rows %}<tr><td>{{ r.name }}</td><td>{{ r.country }}</td><td>{{ r.regime }}</td><td>{{ r.listed }}</td>
<td>{{ r.kind }} {{ r.delisted }}</td><td>{{ r.other_designations }}</td><td>{{ r.entry_key }}</td><td>{% if r.possible_match %}{{ r.possible_match.entry_key }} {{ r.possible_match.name }} ({{ r.possible_match.score }}: {{ r.possible_match.why|truncate(200) }}){% endif %}</td><td>{{ r.reason|truncate(300) }}</td></tr>
{% endfor %}</table></details>
{% endfor %}

<h2 id="network">Network gaps</h2>
<p class="muted">Associates and companies linked to a principal (by the lists' own links) that the first
jurisdiction designates while the second designates only the principal.</p>
{% for pair, rows in report.network.items() %}
<details><summary>{{ pair.replace('-', ' designates, not ') }}: {{ rows|length }}</summary>
<table><tr><th>principal</th><th>principal in the other</th><th>associate</th><th>link</th><th>stated by</th><th>regime</th><th>listed</th></tr>
{% for r in rows %}<tr><td>{{ r.principal }}</td><td>{{ r.principal_in }}</td><td>{{ r.associate }}</td><td>{{ r.link }}</td>
<td>{{ r.stated_by }}</td><td>{{ r.leader_regime }}</td><td>{{ r.leader_listed }}</td></tr>
{% endfor %}</table></details>
{% else %}<p>None.</p>{% endfor %}

<h2 id="delistings">Delisting gaps</h2>
{% if report.delistings %}<table><tr><th>target</th><th>delisted by</th><th>regime</th><th>listed</th><th>delisted</th><th>kept by</th><th>entry</th></tr>
{% for r in report.delistings %}<tr><td>{{ r.name }}</td><td>{{ r.delisted_by }}</td><td>{{ r.regime }}</td><td>{{ r.listed }}</td>
<td>{{ r.delisted }}</td><td>{{ r.kept_by }}</td><td>{{ r.entry_key }}</td></tr>{% endfor %}</table>
{% else %}<p>None found: no target delisted in one jurisdiction is still designated by another.</p>{% endif %}

<h2 id="lags">Lags</h2>
<div class="fig" id="chart-lags">{{ charts.lags }}</div>
<table><tr><th>first</th><th>then</th><th>cases</th><th>exact</th><th>second first</th><th>q1</th><th>median</th><th>q3</th></tr>
{% for s in report.lag_summary %}<tr><td>{{ s.leader }}</td><td>{{ s.follower }}</td><td class="num">{{ s.cases }}</td>
<td class="num">{{ s.exact }}</td><td class="num">{{ s.follower_first }}</td><td>{{ s.q1 }}</td><td>{{ s.median }}</td><td>{{ s.q3 }}</td></tr>
{% endfor %}</table>
<p class="muted">Days; <code>a..b</code>: the true value lies between a and b (listing dates known as intervals). Cases: <a href="#appendix-lags">appendix</a>.</p>

<h2 id="timeline">Timeline</h2>
<div class="fig" id="chart-timeline-magnitsky">{{ charts.timeline_magnitsky }}</div>
<div class="fig" id="chart-timeline-all">{{ charts.timeline_all }}</div>
<p class="muted">A date known as an interval counts in the quarter of its last possible day. Counts: <a href="#appendix-timeline">appendix</a>.</p>

<h2 id="alignment">Alignment</h2>
<div class="fig" id="chart-alignment">{{ charts.alignment }}</div>
<p class="muted">Per year and ground: <a href="#appendix-alignment">appendix</a>. The targets behind a
count are the rows of the <a href="#coverage">coverage matrix</a> designated by both jurisdictions.</p>

<h2 id="appendix">Appendix: the entries behind each figure</h2>
<details id="appendix-lags"><summary>Lag cases ({{ report.lag_cases|length }})</summary>
<table><tr><th>pair</th><th>target</th><th>first</th><th>listed</th><th>then</th><th>listed</th><th>lag (days)</th><th>entries</th></tr>
{% for c in report.lag_cases %}<tr><td>{{ c.pair }}</td><td>{{ c.name }}</td><td>{{ c.leader_regime }}</td><td>{{ c.leader_listed }}</td>
<td>{{ c.follower_regime }}</td><td>{{ c.follower_listed }}</td><td>{{ c.lag }}</td><td>{{ c.entries }}</td></tr>
{% endfor %}</table></details>
<details id="appendix-timeline"><summary>Timeline counts ({{ report.timeline|length }} rows)</summary>
<table><tr><th>quarter</th><th>jurisdiction</th><th>selected</th><th>Magnitsky-class</th><th>all regimes</th><th>dated by interval</th><th>entries (selected)</th></tr>
{% for r in report.timeline %}<tr><td>{{ r.quarter }}</td><td>{{ r.jurisdiction }}</td><td class="num">{{ r.designations }}</td>
<td class="num">{{ r.magnitsky }}</td><td class="num">{{ r.all }}</td><td class="num">{{ r.interval }}</td><td class="muted">{{ r.entries }}</td></tr>
{% endfor %}</table></details>
<details id="appendix-alignment"><summary>Alignment ({{ report.alignment|length }} rows)</summary>
<table><tr><th>a</th><th>b</th><th>ground</th><th>year</th><th>a count</th><th>b count</th><th>both</th><th>Jaccard</th></tr>
{% for r in report.alignment %}<tr><td>{{ r.a }}</td><td>{{ r.b }}</td><td>{{ r.ground }}</td><td>{{ r.year }}</td>
<td class="num">{{ r.count_a }}</td><td class="num">{{ r.count_b }}</td><td class="num">{{ r.both }}</td><td class="num">{{ r.jaccard }}</td></tr>
{% endfor %}</table></details>
<p class="muted">Made by Concord {{ provenance.version if provenance else version }} from the official lists{% if provenance %} on {{ provenance.generated_text }}{% endif %}; every figure traces to the list entries named above.</p>
</body>
</html>
"""
