package org.careledger.benchmarks.mixed;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/**
 * A chart over time drawn with java.awt into a PNG (headless: a {@link BufferedImage}, no window,
 * no library): series of values per time bucket, stacked as filled bars or drawn as lines, on a
 * linear or logarithmic y axis, with a shaded span (the warm-up) and vertical marked lines with
 * labels (the faults). The x axis is seconds from the run's start.
 */
public final class TimeChart {

  /** Values per bucket: {@code values[i]} covers [i · bucket, (i + 1) · bucket) s; NaN: none. */
  public record Series(String name, Color color, double bucketSeconds, double[] values) {}

  /** A vertical line at {@code x} seconds, labelled. */
  public record Marker(double x, String label) {}

  static final int WIDTH = 1200;
  static final int HEIGHT = 520;
  static final int LEFT = 80;
  static final int RIGHT = 24;
  static final int TOP = 64;
  static final int BOTTOM = 48;
  static final Color MARKER = new Color(200, 0, 0);

  private final String title;
  private final String yLabel;
  private final double xMax;
  private final boolean logY;
  private final DoubleFunction<String> yFormat;
  private final List<Series> stacked = new ArrayList<>();
  private final List<Series> lines = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private double shadeTo;
  private String shadeLabel;
  private double yMin;
  private double yMax;

  /**
   * @param xMax the x axis runs from 0 to this many seconds
   * @param logY a logarithmic y axis (values ≤ 0 are left out)
   * @param yFormat the label of a y value
   */
  public TimeChart(
      String title, String yLabel, double xMax, boolean logY, DoubleFunction<String> yFormat) {
    this.title = title;
    this.yLabel = yLabel;
    this.xMax = Math.max(xMax, 1);
    this.logY = logY;
    this.yFormat = yFormat;
  }

  public TimeChart stacked(Series series) {
    stacked.add(series);
    return this;
  }

  public TimeChart line(Series series) {
    lines.add(series);
    return this;
  }

  public TimeChart marker(Marker marker) {
    markers.add(marker);
    return this;
  }

  /** Shades 0 … {@code to} seconds, labelled. */
  public TimeChart shade(double to, String label) {
    this.shadeTo = to;
    this.shadeLabel = label;
    return this;
  }

  /** Draws the chart into a PNG file. */
  public void write(Path png) throws IOException {
    BufferedImage image = render();
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  BufferedImage render() {
    System.setProperty("java.awt.headless", "true");
    yRange();
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      if (shadeTo > 0) {
        int x1 = x(Math.min(shadeTo, xMax));
        g.setColor(new Color(235, 235, 235));
        g.fillRect(LEFT, TOP, x1 - LEFT, plotHeight());
        g.setColor(Color.GRAY);
        g.drawString(shadeLabel, LEFT + 4, TOP + 14);
      }
      axes(g);
      drawStacked(g);
      drawLines(g);
      drawMarkers(g);
      legend(g);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, LEFT, 22);
    } finally {
      g.dispose();
    }
    return image;
  }

  int x(double seconds) {
    return LEFT + (int) Math.round(seconds / xMax * plotWidth());
  }

  int y(double value) {
    double f;
    if (logY) {
      double v = Math.max(value, yMin);
      f = (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
    } else {
      f = value / yMax;
    }
    f = Math.max(0, Math.min(1, f));
    return TOP + plotHeight() - (int) Math.round(f * plotHeight());
  }

  private static int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  private static int plotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  private void yRange() {
    double max = 0;
    double min = Double.MAX_VALUE;
    int buckets = 0;
    for (Series s : stacked) {
      buckets = Math.max(buckets, s.values().length);
    }
    for (int i = 0; i < buckets; i++) {
      double sum = 0;
      for (Series s : stacked) {
        sum += value(s, i);
      }
      max = Math.max(max, sum);
    }
    for (Series s : lines) {
      for (double v : s.values()) {
        if (!Double.isNaN(v)) {
          max = Math.max(max, v);
          if (v > 0) {
            min = Math.min(min, v);
          }
        }
      }
    }
    if (logY) {
      yMin = Math.pow(10, Math.floor(Math.log10(min == Double.MAX_VALUE ? 1 : Math.max(min, 1))));
      yMax = Math.pow(10, Math.ceil(Math.log10(Math.max(max, yMin * 10))));
      if (yMax <= yMin) {
        yMax = yMin * 10;
      }
    } else {
      yMin = 0;
      yMax = niceCeiling(Math.max(max, 1) * 1.05);
    }
  }

  private static double value(Series s, int i) {
    if (i >= s.values().length) {
      return 0;
    }
    double v = s.values()[i];
    return Double.isNaN(v) ? 0 : v;
  }

  private void axes(Graphics2D g) {
    FontMetrics fm = g.getFontMetrics();
    g.setColor(new Color(225, 225, 225));
    List<Double> yTicks = new ArrayList<>();
    if (logY) {
      for (double v = yMin; v <= yMax * 1.0001; v *= 10) {
        yTicks.add(v);
      }
    } else {
      double step = niceStep(yMax / 5);
      for (double v = 0; v <= yMax * 1.0001; v += step) {
        yTicks.add(v);
      }
    }
    for (double v : yTicks) {
      g.setColor(new Color(225, 225, 225));
      g.drawLine(LEFT, y(v), LEFT + plotWidth(), y(v));
      g.setColor(Color.DARK_GRAY);
      String label = yFormat.apply(v);
      g.drawString(label, LEFT - 6 - fm.stringWidth(label), y(v) + fm.getAscent() / 2 - 1);
    }
    double step = niceStep(xMax / 10);
    for (double s = 0; s <= xMax * 1.0001; s += step) {
      g.setColor(new Color(225, 225, 225));
      g.drawLine(x(s), TOP, x(s), TOP + plotHeight());
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%.0f", s);
      g.drawString(label, x(s) - fm.stringWidth(label) / 2, TOP + plotHeight() + 16);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, plotWidth(), plotHeight());
    String xLabel = "seconds since the run's start";
    g.drawString(
        xLabel, LEFT + plotWidth() / 2 - fm.stringWidth(xLabel) / 2, TOP + plotHeight() + 36);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString(yLabel, -(TOP + plotHeight() / 2 + fm.stringWidth(yLabel) / 2), 16);
    rotated.dispose();
  }

  private void drawStacked(Graphics2D g) {
    int buckets = 0;
    for (Series s : stacked) {
      buckets = Math.max(buckets, s.values().length);
    }
    for (int i = 0; i < buckets; i++) {
      double base = 0;
      for (Series s : stacked) {
        double v = value(s, i);
        if (v <= 0) {
          continue;
        }
        double from = i * s.bucketSeconds();
        if (from >= xMax) {
          continue;
        }
        int x0 = x(from);
        int x1 = Math.max(x0 + 1, x(Math.min(from + s.bucketSeconds(), xMax)));
        int yTop = y(base + v);
        int yBottom = y(base);
        g.setColor(s.color());
        g.fillRect(x0, yTop, x1 - x0, Math.max(1, yBottom - yTop));
        base += v;
      }
    }
  }

  private void drawLines(Graphics2D g) {
    Stroke old = g.getStroke();
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (Series s : lines) {
      g.setColor(s.color());
      Path2D.Double path = new Path2D.Double();
      boolean open = false;
      for (int i = 0; i < s.values().length; i++) {
        double v = s.values()[i];
        double mid = (i + 0.5) * s.bucketSeconds();
        if (Double.isNaN(v) || (logY && v <= 0) || mid > xMax) {
          open = false;
          continue;
        }
        if (open) {
          path.lineTo(x(mid), y(v));
        } else {
          path.moveTo(x(mid), y(v));
          g.fillOval(x(mid) - 2, y(v) - 2, 4, 4); // a lone point stays visible
          open = true;
        }
      }
      g.draw(path);
    }
    g.setStroke(old);
  }

  private void drawMarkers(Graphics2D g) {
    Stroke old = g.getStroke();
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i < markers.size(); i++) {
      Marker m = markers.get(i);
      if (m.x() < 0 || m.x() > xMax) {
        continue;
      }
      int px = x(m.x());
      g.setColor(MARKER);
      g.setStroke(
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      g.drawLine(px, TOP, px, TOP + plotHeight());
      g.setStroke(old);
      String label = m.label();
      int width = fm.stringWidth(label);
      int tx = px + 4 + width > LEFT + plotWidth() ? px - 4 - width : px + 4;
      int ty = TOP + 14 + (i % 4) * 15;
      g.setColor(new Color(255, 255, 255, 210));
      g.fillRect(tx - 2, ty - fm.getAscent(), width + 4, fm.getHeight());
      g.setColor(MARKER);
      g.drawString(label, tx, ty);
    }
  }

  private void legend(Graphics2D g) {
    FontMetrics fm = g.getFontMetrics();
    int x = LEFT;
    int y = 44;
    List<Series> all = new ArrayList<>(stacked);
    all.addAll(lines);
    for (Series s : all) {
      g.setColor(s.color());
      if (stacked.contains(s)) {
        g.fillRect(x, y - 10, 14, 10);
      } else {
        g.fillRect(x, y - 6, 14, 3);
      }
      g.setColor(Color.BLACK);
      g.drawString(s.name(), x + 18, y);
      x += 18 + fm.stringWidth(s.name()) + 18;
    }
    if (!markers.isEmpty()) {
      g.setColor(MARKER);
      g.drawLine(x, y - 10, x, y);
      g.drawLine(x + 4, y - 10, x + 4, y);
      g.setColor(Color.BLACK);
      g.drawString("fault", x + 10, y);
    }
  }

  /** {@code v} rounded up to a multiple of {@link #niceStep} of a fifth of it. */
  static double niceCeiling(double v) {
    double step = niceStep(v / 5);
    return Math.ceil(v / step) * step;
  }

  /** A round step near {@code raw}: 1, 2 or 5 × 10^k. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / power;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * power;
  }
}
