import { useEffect, useRef } from "preact/hooks";
import * as echarts from "echarts";

/**
 * The one chart component: Apache ECharts with the SVG renderer. The API already answers
 * ECharts-ready options (shared/systems/analytics/chart-service.ts), so pages pass them on.
 */
export function Chart({
  option,
  label,
  height = 320,
}: {
  option: echarts.EChartsCoreOption;
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: "svg", height });
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [option, height]);
  return <div class="chart" ref={ref} role="img" aria-label={label} />;
}
