package dev.flows.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the chart of a run ({@code results.png}, and {@code docs/benchmarks.png} for a full run)
 * with xchart: one bar chart of records/s per scenario, two per row when they pair up, Flows in its
 * own colour.
 */
final class Chart {
  private Chart() {}

  static void write(Report report, Path file) throws IOException {
    Map<String, List<Result>> byScenario = new LinkedHashMap<>();
    report
        .results()
        .forEach(r -> byScenario.computeIfAbsent(r.scenario(), s -> new ArrayList<>()).add(r));
    if (byScenario.isEmpty()) {
      return;
    }
    List<CategoryChart> charts = new ArrayList<>();
    byScenario.forEach((scenario, rows) -> charts.add(chart(scenario, rows)));
    int columns = charts.size() % 2 == 0 ? 2 : charts.size(); // xchart fills every cell of the grid
    BitmapEncoder.saveBitmap(
        charts,
        (charts.size() + columns - 1) / columns,
        columns,
        file.toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }

  private static boolean isFlows(Result r) {
    return r.contender().startsWith("flows");
  }

  private static CategoryChart chart(String scenario, List<Result> rows) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(520)
            .height(420)
            .title(scenario)
            .yAxisTitle("records/s")
            .build();
    chart.getStyler().setStacked(true);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setLabelsVisible(false);
    chart.getStyler().setShowStackSum(true);
    chart.getStyler().setChartTitleBoxVisible(false);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setYAxisDecimalPattern("#,###");
    List<String> names = rows.stream().map(Result::contender).toList();
    chart.addSeries(
        "Flows", names, rows.stream().map(r -> isFlows(r) ? r.perSecond() : 0.0).toList());
    chart.addSeries(
        "peer / ideal", names, rows.stream().map(r -> isFlows(r) ? 0.0 : r.perSecond()).toList());
    return chart;
  }
}
