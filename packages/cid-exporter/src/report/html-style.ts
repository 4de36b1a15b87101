/**
 * The HTML report's style sheet: system fonts, light and dark colours from `prefers-color-scheme`
 * (https://drafts.csswg.org/mediaqueries-5/#prefers-color-scheme), visible focus rings for keyboard users
 * (`:focus-visible`), and the waterfall's grid.
 */
export const REPORT_STYLE = `:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;
--accent:#0969da;--genai:#0969da;--genai2:#54aeff;--tool:#bc4c00;--route:#8250df;--span:#818b98;--error:#cf222e;--focus:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;
--accent:#4493f8;--genai:#4493f8;--genai2:#1f6feb;--tool:#f0883e;--route:#ab7df8;--span:#9198a1;--error:#f85149;--focus:#4493f8}}
*{box-sizing:border-box}
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:78rem;margin:0 auto;padding:1.5rem 1.75rem 4rem}
h1{font-size:1.7rem;margin:.2rem 0 .3rem;letter-spacing:-.01em}h2{font-size:1.25rem;margin:2.4rem 0 .8rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
a{color:var(--accent)}
.skip{position:absolute;left:-999px;top:.5rem;background:var(--bg);padding:.4rem .8rem;border:2px solid var(--focus);z-index:2}
.skip:focus{left:.5rem}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
nav ul{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;list-style:none;padding:0;margin:.6rem 0 0;font-size:.93rem}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.8rem;margin:1rem 0;padding:0;list-style:none}
.cards li{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem}
.cards .label{display:block;color:var(--muted);font-size:.82rem}.cards .value{font-size:1.35rem;font-weight:600;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.6rem 0;font-size:.86rem}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:.3rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{font-weight:600;background:var(--panel);vertical-align:bottom}
#groups-table th[scope=row]{white-space:nowrap;max-width:10rem;overflow:hidden;text-overflow:ellipsis}
.clip{white-space:nowrap;max-width:11rem;overflow:hidden;text-overflow:ellipsis}.when{white-space:nowrap;font-size:.8rem;color:var(--muted)}
tfoot th,tfoot td{font-weight:600;border-top:2px solid var(--line)}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.n{text-align:right}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.cid{display:inline-flex;align-items:baseline;gap:.35rem}
.cid code{max-width:16rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;display:inline-block;vertical-align:bottom}
.record-cid{white-space:nowrap}.record-cid button[data-trace]{margin-left:.2rem}.cids{margin:0;padding:0;list-style:none}.cids li{white-space:nowrap}.cids .k{color:var(--muted);font-size:.78rem;display:inline-block;width:3.3rem}
button{font:inherit;font-size:.8rem;color:var(--fg);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.12rem .5rem;cursor:pointer}
button:hover{border-color:var(--accent)}
button.copied{color:var(--bg);background:var(--accent);border-color:var(--accent)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem 2rem}
figure{margin:.4rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
svg{max-width:100%;height:auto}svg text{fill:var(--fg);font-size:12px}svg .axis{stroke:var(--line)}
svg .bar{fill:var(--genai)}svg .bar2{fill:var(--genai2)}svg .cost{fill:var(--tool)}svg .tick{fill:var(--muted);font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.82rem;color:var(--muted);margin:.3rem 0;padding:0;list-style:none}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
.sw-genai{background:var(--genai)}.sw-genai2{background:var(--genai2)}.sw-tool{background:var(--tool)}.sw-route{background:var(--route)}.sw-span{background:var(--span)}.sw-error{background:var(--error)}
details{margin:.4rem 0}summary{cursor:pointer;color:var(--muted);font-size:.88rem}
.picker{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.6rem 0}
select{font:inherit;font-size:.9rem;color:var(--fg);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.25rem .4rem;max-width:100%}
.wf{list-style:none;margin:.5rem 0;padding:0;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.wf>li{border-bottom:1px solid var(--line)}.wf>li:last-child{border-bottom:0}
.wf-row{display:grid;grid-template-columns:minmax(14rem,2fr) 5fr 5.5rem;align-items:center;gap:.6rem;padding:.22rem .6rem;font-size:.86rem}
.wf-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;text-align:left;background:none;border:0;padding:.1rem 0;font-size:.86rem}
.wf-track{position:relative;height:1rem;background:var(--panel);border-radius:3px}
.wf-bar{position:absolute;top:.12rem;bottom:.12rem;min-width:2px;border-radius:2px;background:var(--span)}
.wf-genai .wf-bar{background:var(--genai)}.wf-tool .wf-bar{background:var(--tool)}.wf-route .wf-bar{background:var(--route)}
.wf-error .wf-bar{box-shadow:0 0 0 2px var(--error)}.wf-error .wf-name{color:var(--error)}
.wf-dur{text-align:right;font-variant-numeric:tabular-nums;color:var(--muted)}
.wf-detail{padding:.3rem .8rem .6rem 2rem;font-size:.84rem;background:var(--panel)}
.wf-detail dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:0}.wf-detail dt{color:var(--muted)}.wf-detail dd{margin:0}
.badge{display:inline-block;font-size:.72rem;border:1px solid var(--line);border-radius:1rem;padding:0 .45rem;margin-left:.35rem;color:var(--muted)}
.group{border:1px solid var(--line);border-radius:8px;padding:.2rem 1rem .8rem;margin:1rem 0}
pre{white-space:pre-wrap;background:var(--panel);border-radius:6px;padding:.5rem .7rem;margin:.4rem 0;font-size:.85rem}
del{background:color-mix(in srgb,var(--error) 22%,transparent);text-decoration:line-through}ins{background:color-mix(in srgb,#1a7f37 25%,transparent);text-decoration:none}
.status{min-height:1.2em;font-size:.85rem;color:var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:no-preference){button{transition:background .15s}}`;
