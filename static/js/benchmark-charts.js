// Charts of benchmarks, read from the JSON their canvas points to; the tables beside them list
// the same numbers, so the pages say everything without this script.
// - data-benchmark-chart: results over time, one series per platform, each point with its
//   uncertainty as an error bar (none when the uncertainty is not stated).
// - data-samples-histogram / data-samples-trace: a result's raw samples.
(() => {
  const COLOURS = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c", "#7f6000", "#990000", "#351c75"];

  const ready = () => typeof window.Chart !== "undefined" && typeof window.ChartErrorBars !== "undefined";

  const load = (url) =>
    fetch(url, { headers: { Accept: "application/json" } }).then((response) =>
      response.ok ? response.json() : Promise.reject(response.status),
    );

  const isoDay = (value) => new Date(value).toISOString().slice(0, 10);

  const drawResults = (canvas) =>
    load(canvas.dataset.benchmarkChart).then((data) => {
      if (!data.series.length) {
        return;
      }
      canvas.hidden = false;
      const chart = new window.ChartErrorBars.ScatterWithErrorBarsChart(canvas, {
        data: {
          datasets: data.series.map((series, index) => {
            const colour = COLOURS[index % COLOURS.length];
            return {
              label: series.platform,
              data: series.points.map((point) => ({
                x: Date.parse(point.x),
                y: point.y,
                yMin: point.yMin,
                yMax: point.yMax,
              })),
              pointStyle: ["circle", "triangle", "rect", "rectRot", "star", "cross"][index % 6],
              pointRadius: 4,
              borderColor: colour,
              backgroundColor: colour,
              errorBarColor: colour,
              errorBarWhiskerColor: colour,
            };
          }),
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            x: {
              type: "linear",
              ticks: { callback: (value) => isoDay(value), maxTicksLimit: 8 },
            },
            y: { title: { display: true, text: canvas.dataset.axisLabel } },
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: { callbacks: { title: (items) => isoDay(items[0].parsed.x) } },
          },
        },
      });
      canvas.dataset.rendered = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
    });

  const drawHistogram = (canvas) =>
    load(canvas.dataset.samplesHistogram).then((data) => {
      if (!data.histogram.length) {
        return;
      }
      canvas.hidden = false;
      const chart = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.histogram.map((bin) => `${bin.low.toPrecision(4)}–${bin.high.toPrecision(4)}`),
          datasets: [
            {
              label: canvas.dataset.countLabel,
              data: data.histogram.map((bin) => bin.count),
              backgroundColor: "#0b5394",
              barPercentage: 1,
              categoryPercentage: 1,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: canvas.dataset.axisLabel } } },
          plugins: { legend: { display: false } },
        },
      });
      canvas.dataset.rendered = String(chart.data.datasets[0].data.length);
    });

  const drawTrace = (canvas) =>
    load(canvas.dataset.samplesTrace).then((data) => {
      if (!data.trace.length) {
        return;
      }
      canvas.hidden = false;
      const chart = new window.Chart(canvas, {
        type: "scatter",
        data: {
          datasets: [
            { label: canvas.dataset.axisLabel, data: data.trace, showLine: true, pointRadius: 1, borderColor: "#0b5394" },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            x: { title: { display: true, text: canvas.dataset.timeLabel } },
            y: { title: { display: true, text: canvas.dataset.axisLabel } },
          },
          plugins: { legend: { display: false } },
        },
      });
      canvas.dataset.rendered = String(chart.data.datasets[0].data.length);
    });

  document.addEventListener("DOMContentLoaded", () => {
    if (!ready()) {
      return;
    }
    const draw = (selector, painter) =>
      document.querySelectorAll(selector).forEach((canvas) =>
        painter(canvas).catch(() => {
          canvas.hidden = true;
        }),
      );
    draw("[data-benchmark-chart]", drawResults);
    draw("[data-samples-histogram]", drawHistogram);
    draw("[data-samples-trace]", drawTrace);
  });
})();
