package org.careledger.benchmarks.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeChartTest {

  @TempDir Path dir;

  @Test
  void drawsStackedBarsLinesShadeAndMarkersIntoAPng() throws Exception {
    double[] register = new double[100];
    double[] grant = new double[100];
    java.util.Arrays.fill(register, 10);
    java.util.Arrays.fill(grant, 5);
    TimeChart chart =
        new TimeChart("t", "ops / s", 100, false, v -> String.valueOf((int) v))
            .stacked(new TimeChart.Series("register", Color.BLUE, 1, register))
            .stacked(new TimeChart.Series("grant", Color.GREEN, 1, grant))
            .shade(10, "warm-up")
            .marker(new TimeChart.Marker(50, "kill clinic-b"));
    Path png = dir.resolve("chart.png");
    chart.write(png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(TimeChart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(TimeChart.HEIGHT);
    // 10 + 5 stacked: blue below 10, green between 10 and 15, white above.
    int x = chart.x(75.5);
    assertThat(new Color(image.getRGB(x, chart.y(5)))).isEqualTo(Color.BLUE);
    assertThat(new Color(image.getRGB(x, chart.y(12.5)))).isEqualTo(Color.GREEN);
    // The y axis reaches a round value above 15 and the marker crosses the whole plot.
    assertThat(chart.y(15)).isGreaterThan(TimeChart.TOP + 5);
    int marker = chart.x(50);
    int red = 0;
    for (int y = chart.y(14); y > TimeChart.TOP + 70; y--) {
      Color c = new Color(image.getRGB(marker, y));
      if (c.getRed() > 150 && c.getGreen() < 80 && c.getBlue() < 80) {
        red++;
      }
    }
    assertThat(red).isGreaterThan(20); // dashed: most of it
    // The warm-up is shaded grey above the bars.
    Color shade = new Color(image.getRGB(chart.x(5), chart.y(16)));
    assertThat(shade.getRed()).isEqualTo(shade.getBlue()).isBetween(200, 250);
  }

  @Test
  void logarithmicAxisAndGapsInLines() throws Exception {
    double[] p99 = {100, Double.NaN, 10_000, 1_000};
    TimeChart chart =
        new TimeChart("latency", "ms", 20, true, RunReport::millis)
            .line(new TimeChart.Series("p99", Color.RED, 5, p99));
    BufferedImage image = chart.render();
    // A decade per equal step: 100 → 1000 as far as 1000 → 10000.
    assertThat(chart.y(100) - chart.y(1_000)).isEqualTo(chart.y(1_000) - chart.y(10_000));
    Color point = new Color(image.getRGB(chart.x(2.5), chart.y(100)));
    assertThat(point.getRed()).isGreaterThan(200);
    assertThat(point.getGreen()).isLessThan(100);
    assertThat(TimeChart.niceStep(7)).isEqualTo(10);
    assertThat(TimeChart.niceStep(0.3)).isEqualTo(0.5);
    assertThat(TimeChart.niceCeiling(31.5)).isEqualTo(40);
    assertThat(TimeChart.niceCeiling(1.05)).isEqualTo(1.5);
  }
}
