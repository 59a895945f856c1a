// The graph of equivalence of a comparison: each laboratory's degree of equivalence d_i with
// its expanded uncertainty U(d_i) as an error bar, and the zero line (agreement with the
// reference value). Read from the JSON the canvas points to; the table beside it lists the
// same numbers, so the page says everything without this script.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.querySelector("[data-comparison-chart]");
  if (!canvas || typeof window.Chart === "undefined" || typeof window.ChartErrorBars === "undefined") {
    return;
  }
  fetch(canvas.dataset.comparisonChart, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((data) => {
      if (!data.points.length) {
        return;
      }
      const labels = data.points.map((point) => point.label);
      const unit = data.unit;
      canvas.hidden = false;
      const chart = new window.ChartErrorBars.LineWithErrorBarsChart(canvas, {
        data: {
          labels,
          datasets: [
            {
              label: canvas.dataset.seriesLabel,
              data: data.points.map((point) => ({ y: point.d, yMin: point.d - point.U, yMax: point.d + point.U })),
              showLine: false,
              pointRadius: 4,
              pointStyle: data.points.map((point) => (point.included ? "circle" : "triangle")),
              borderColor: "#0b5394",
              backgroundColor: data.points.map((point) => (point.included ? "#0b5394" : "#ffffff")),
              errorBarColor: "#0b5394",
              errorBarWhiskerColor: "#0b5394",
            },
            {
              label: canvas.dataset.zeroLabel,
              data: labels.map(() => 0),
              pointRadius: 0,
              borderColor: "#555555",
              borderDash: [6, 4],
              borderWidth: 1,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            y: { title: { display: true, text: `d / ${unit}` } },
            x: { ticks: { autoSkip: false, maxRotation: 90 } },
          },
          plugins: {
            legend: { position: "bottom" },
          },
        },
      });
      canvas.dataset.rendered = String(chart.data.datasets[0].data.length);
    })
    .catch(() => {
      canvas.hidden = true;
    });
});
