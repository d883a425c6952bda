import { waterfallLevels, type ChartSpec } from "./chart-spec.js";

/** A Plotly figure as plotly.js (and the seed's Python `fig.to_json()`) reads it. */
export interface PlotlyFigure {
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

const titled = (text: string) => ({ title: { text } });

/** The chart as a Plotly figure: `{data, layout}`, every trace's arrays of equal length. */
export function plotlyFigure(spec: ChartSpec): PlotlyFigure {
  const layout: Record<string, unknown> = {
    title: { text: spec.title },
    meta: { chartId: spec.id, unit: spec.unit },
    hovermode: "closest",
  };
  switch (spec.kind) {
    case "line":
    case "bar": {
      const data = spec.series.map((s) => ({
        type: spec.kind === "line" ? "scatter" : "bar",
        ...(spec.kind === "line" ? { mode: "lines+markers" } : {}),
        name: s.name,
        x: [...spec.categories],
        y: [...s.values],
      }));
      return {
        data,
        layout: {
          ...layout,
          ...(spec.kind === "bar" ? { barmode: "group" } : {}),
          xaxis: { ...titled(spec.xAxis.title), type: "category" },
          yaxis: titled(axisTitle(spec.yAxis.title, spec.unit)),
        },
      };
    }
    case "pie": {
      const first = spec.series[0];
      return {
        data: [
          {
            type: "pie",
            name: first?.name ?? spec.title,
            labels: [...spec.categories],
            values: first ? [...first.values] : spec.categories.map(() => null),
            textinfo: "label+percent",
          },
        ],
        layout,
      };
    }
    case "heatmap":
      return {
        data: [
          {
            type: "heatmap",
            name: spec.title,
            x: [...spec.x],
            y: [...spec.y],
            z: spec.z.map((row) => [...row]),
            colorscale: "Viridis",
            colorbar: titled(spec.unit),
          },
        ],
        layout: {
          ...layout,
          xaxis: { ...titled(spec.xAxis.title), type: "category" },
          yaxis: { ...titled(spec.yAxis.title), type: "category", automargin: true },
        },
      };
    case "scatter":
      return {
        data: spec.series.map((s) => ({
          type: "scatter",
          mode: "markers",
          name: s.name,
          x: s.points.map((p) => p.x),
          y: s.points.map((p) => p.y),
          text: s.points.map((p) => p.label),
        })),
        layout: {
          ...layout,
          xaxis: {
            ...titled(spec.xAxis.title),
            type: "category",
            categoryorder: "array",
            categoryarray: [...spec.categories],
          },
          yaxis: titled(axisTitle(spec.yAxis.title, spec.unit)),
        },
      };
    case "waterfall": {
      const levels = waterfallLevels(spec.steps);
      return {
        data: [
          {
            type: "waterfall",
            name: spec.title,
            orientation: "v",
            x: spec.steps.map((s) => s.label),
            y: spec.steps.map((s, i) => (s.measure === "total" ? levels[i]!.end : s.value)),
            measure: spec.steps.map((s) => s.measure),
            ...(spec.steps.every((s) => s.text !== undefined)
              ? { text: spec.steps.map((s) => s.text), textposition: "outside" }
              : {}),
          },
        ],
        layout: {
          ...layout,
          showlegend: false,
          xaxis: { ...titled(spec.xAxis.title), type: "category" },
          yaxis: titled(axisTitle(spec.yAxis.title, spec.unit)),
        },
      };
    }
  }
}

function axisTitle(title: string, unit: string): string {
  return unit ? `${title} (${unit})` : title;
}
