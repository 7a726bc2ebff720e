// Draws the report's year-over-year charts on demand, for the county or agency chosen.
//
// The data (one array per figure and scope, a value per year) is inlined as JSON; charts are
// built here only for the scope being looked at, so the file stays small and fast to open
// with thousands of agencies. The chosen scope is kept in the URL (#scope=…), so a link can
// point at one agency's charts and the coverage and check tables link into them.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var select = document.getElementById("scope");
  var filter = document.getElementById("scope-filter");
  var title = document.getElementById("scope-title");
  var count = document.getElementById("scope-count");
  var byId = {};
  data.scopes.forEach(function (s) { byId[s.id] = s; });

  var FONT = window.getComputedStyle(document.body).fontFamily;
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
  var CHARTS = [
    { div: "chart-requests", group: "requests", title: "收到申请", barmode: "group" },
    { div: "chart-outcomes", group: "outcomes", title: "办理结果", barmode: "stack" },
    { div: "chart-review", group: "review", title: "行政复议与行政诉讼", barmode: "group" }
  ];

  function fillOptions(query) {
    var q = (query || "").trim();
    var groups = {};
    var shown = 0;
    select.textContent = "";
    data.scopes.forEach(function (s) {
      if (q && s.label.indexOf(q) < 0 && (s.county || "").indexOf(q) < 0) { return; }
      var label = s.kind === "agency" ? s.county : "合计";
      if (!groups[label]) {
        groups[label] = document.createElement("optgroup");
        groups[label].label = label;
        select.appendChild(groups[label]);
      }
      var option = document.createElement("option");
      option.value = s.id;
      option.textContent = s.label;
      groups[label].appendChild(option);
      shown += 1;
    });
    count.textContent = q ? "匹配 " + shown + " 项" : "共 " + data.scopes.length + " 项";
  }

  // A derived figure (the report left it blank; its row's printed cells fix it) is drawn,
  // never as printed: its bar is hatched, its label carries "*", the hover says so, and the
  // legend gets a "推算值" entry whenever a chart shows one.
  var DERIVED_SHAPE = "/";
  var DERIVED_LABEL = "斜线 = 推算值（报告未印出，由同行各格确定推算）";

  function derivedAt(values, key) {
    var d = (values.d || {})[key] || [];
    return data.years.map(function (_, i) { return values.v[key][i] !== null && (d[i] || 0) > 0 ? d[i] : 0; });
  }

  function trace(series, values, index, barmode) {
    var x = data.years.map(String);
    var y = values.v[series.key];
    var derived = derivedAt(values, series.key);
    var t = {
      type: "bar",
      name: series.label,
      x: x,
      y: y,
      marker: {
        color: COLORS[index % COLORS.length],
        pattern: { shape: derived.map(function (d) { return d ? DERIVED_SHAPE : ""; }), fillmode: "overlay", solidity: 0.4 }
      },
      texttemplate: derived.map(function (d) { return d ? "%{y:,}*" : "%{y:,}"; }),
      textposition: barmode === "stack" ? "inside" : "outside",
      textangle: 0,
      cliponaxis: false
    };
    if (values.g) {
      // a sum over several reports: say how many of them gave the figure, and how many derived it
      t.customdata = y.map(function (_, i) {
        return [values.g[series.key][i], values.n[i], derived[i] ? "<br>其中 " + derived[i] + " 份为推算值" : ""];
      });
      t.hovertemplate = "%{x} " + series.label + "：%{y:,}<br>%{customdata[1]} 份报告中 %{customdata[0]} 份给出%{customdata[2]}<extra></extra>";
    } else {
      t.customdata = derived.map(function (d) { return d ? "（推算值：报告未印出，由同行各格确定推算）" : ""; });
      t.hovertemplate = "%{x} " + series.label + "：%{y:,}%{customdata}<extra></extra>";
    }
    return t;
  }

  function legendForDerived(group, values) {
    var any = data.series[group].some(function (s) {
      return derivedAt(values, s.key).some(function (d) { return d > 0; });
    });
    if (!any) { return []; }
    return [{
      type: "bar", name: DERIVED_LABEL, x: [null], y: [null], hoverinfo: "skip", showlegend: true,
      marker: { color: "#9aa5b1", pattern: { shape: DERIVED_SHAPE, fillmode: "overlay", solidity: 0.4 } }
    }];
  }

  function hasData(values, group) {
    return data.series[group].some(function (s) {
      return values.v[s.key].some(function (v) { return v !== null; });
    });
  }

  // The tallest bar (or stack): below 10, ticks go one by one, so counts never get
  // half-steps that an integer format would print twice.
  function top(values, group, barmode) {
    var best = 0;
    data.years.forEach(function (_, i) {
      var sum = 0;
      data.series[group].forEach(function (s) {
        var v = values.v[s.key][i] || 0;
        sum = barmode === "stack" ? sum + v : Math.max(sum, v);
      });
      best = Math.max(best, sum);
    });
    return best;
  }

  function draw(id) {
    var scope = byId[id] || byId.all || data.scopes[0];
    if (!scope) { return; }
    var values = data.values[scope.id];
    title.textContent = scope.label;
    if (select.value !== scope.id) {
      if (!select.querySelector('option[value="' + CSS.escape(scope.id) + '"]')) {
        filter.value = "";
        fillOptions("");
      }
      select.value = scope.id;
    }
    CHARTS.forEach(function (c) {
      var traces = data.series[c.group].map(function (s, i) { return trace(s, values, i, c.barmode); })
        .concat(legendForDerived(c.group, values));
      var layout = {
        title: { text: scope.label + " · " + c.title + "（件）", font: { size: 15 }, x: 0.02, xanchor: "left" },
        font: { family: FONT, size: 12 },
        barmode: c.barmode,
        height: 360,
        margin: { t: 64, r: 16, b: 72, l: 48 },
        xaxis: { type: "category" },
        yaxis: { rangemode: "tozero", tickformat: ",d", automargin: true,
                 dtick: top(values, c.group, c.barmode) <= 10 ? 1 : undefined },
        legend: { orientation: "h", y: -0.14, traceorder: "normal" },
        separators: ".,",
        modebar: { orientation: "v" },  // down the right edge, clear of the title
        annotations: hasData(values, c.group) ? [] : [{
          text: "无数据：报告未给出", showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5,
          font: { size: 16, color: "#9aa5b1" }
        }]
      };
      Plotly.react(c.div, traces, layout, { displaylogo: false, responsive: true });
    });
    try {
      history.replaceState(null, "", "#scope=" + encodeURIComponent(scope.id));
    } catch (e) {
      // some browsers refuse to rewrite a file:// URL: the charts are drawn all the same
    }
  }

  function fromHash() {
    var m = /(?:^#|&)scope=([^&]*)/.exec(window.location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  fillOptions("");
  filter.addEventListener("input", function () {
    fillOptions(filter.value);
    if (select.options.length) { draw(select.value); }
  });
  select.addEventListener("change", function () { draw(select.value); });
  window.addEventListener("hashchange", function () {
    var id = fromHash();
    if (id && byId[id]) {
      draw(id);
      document.getElementById("trends").scrollIntoView();
    }
  });
  if (typeof Plotly === "undefined") {
    document.getElementById("trends").insertAdjacentHTML("beforeend", "<p>plotly.js 未能加载，图表无法显示。</p>");
    return;
  }
  draw(fromHash() || "all");
}());
