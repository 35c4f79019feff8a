package amem.pipeline.report;

import amem.pipeline.analysis.EnergyLandscape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * One panel of docs/THEORY.md §1's two-dimensional illustration: an energy over the plane as a colour map with
 * contour lines, the stored patterns marked, axes and a colour bar. XChart's heat map draws categorical cells
 * without marks or a numeric colour scale, so this panel paints itself (the same code paints the PNG and the SVG).
 */
final class LandscapePlot implements Figure {

    static final int WIDTH = 430;
    static final int HEIGHT = 372;
    private static final int CONTOURS = 9;
    private static final Color[] COLOURS = {
        new Color(0x30123b), new Color(0x4662d8), new Color(0x35abf8), new Color(0x1be5b5), new Color(0x74fe5d),
        new Color(0xc9ef34), new Color(0xfbb938), new Color(0xf56918), new Color(0xc92903), new Color(0x7a0403)};

    private final String title;
    private final EnergyLandscape landscape;
    private final double[][] values;
    private final double min;
    private final double max;

    LandscapePlot(String title, EnergyLandscape landscape, double[][] values) {
        this.title = title;
        this.landscape = landscape;
        this.values = values;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        this.min = lo;
        this.max = hi > lo ? hi : lo + 1;
    }

    @Override
    public int width() {
        return WIDTH;
    }

    @Override
    public int height() {
        return HEIGHT;
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        double size = Math.min(width - 150, height - 90);
        double left = 58;
        double top = 36;
        Rectangle2D plot = new Rectangle2D.Double(left, top, size, size);
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        drawCentered(g, title, left + size / 2, 22);

        g.drawImage(field((int) Math.round(size * ChartFiles.SCALE)), transformInto(plot, size * ChartFiles.SCALE), null);
        drawContours(g, plot);
        drawPatterns(g, plot, label);

        g.setColor(new Color(0x555555));
        g.setStroke(new BasicStroke(1f));
        g.draw(plot);
        g.setFont(label);
        double lo = landscape.xs()[0];
        double hi = landscape.xs()[landscape.xs().length - 1];
        for (int t = (int) Math.ceil(lo); t <= Math.floor(hi); t++) {
            double x = left + (t - lo) / (hi - lo) * size;
            double y = top + size - (t - lo) / (hi - lo) * size;
            g.draw(new java.awt.geom.Line2D.Double(x, top + size, x, top + size + 4));
            g.draw(new java.awt.geom.Line2D.Double(left - 4, y, left, y));
            drawCentered(g, Integer.toString(t), x, top + size + 17);
            drawRight(g, Integer.toString(t), left - 7, y + 4);
        }
        drawCentered(g, "x\u2081", left + size / 2, top + size + 34);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, 16, top + size / 2);
        drawCentered(g, "x\u2082", 16, top + size / 2 + 4);
        g.setTransform(saved);

        drawColourBar(g, new Rectangle2D.Double(left + size + 22, top, 16, size), label);
    }

    /** The field resampled (bilinear) to {@code pixels} × {@code pixels}, coloured. */
    private BufferedImage field(int pixels) {
        int points = values.length;
        BufferedImage image = new BufferedImage(pixels, pixels, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < pixels; py++) {
            double gy = (pixels - 1 - py) / (double) (pixels - 1) * (points - 1);
            for (int px = 0; px < pixels; px++) {
                double gx = px / (double) (pixels - 1) * (points - 1);
                int x0 = Math.min((int) gx, points - 2);
                int y0 = Math.min((int) gy, points - 2);
                double fx = gx - x0;
                double fy = gy - y0;
                double v = (1 - fy) * ((1 - fx) * values[y0][x0] + fx * values[y0][x0 + 1])
                        + fy * ((1 - fx) * values[y0 + 1][x0] + fx * values[y0 + 1][x0 + 1]);
                image.setRGB(px, py, colour((v - min) / (max - min)).getRGB());
            }
        }
        return image;
    }

    private static AffineTransform transformInto(Rectangle2D plot, double pixels) {
        AffineTransform t = AffineTransform.getTranslateInstance(plot.getX(), plot.getY());
        t.scale(plot.getWidth() / pixels, plot.getHeight() / pixels);
        return t;
    }

    /** Contour lines by marching squares, one path per level. */
    private void drawContours(Graphics2D g, Rectangle2D plot) {
        int points = values.length;
        g.setStroke(new BasicStroke(0.8f));
        g.setColor(new Color(255, 255, 255, 150));
        for (int level = 1; level <= CONTOURS; level++) {
            double c = min + (max - min) * level / (CONTOURS + 1);
            Path2D.Double path = new Path2D.Double();
            for (int iy = 0; iy < points - 1; iy++) {
                for (int ix = 0; ix < points - 1; ix++) {
                    double[] corner = {values[iy][ix], values[iy][ix + 1], values[iy + 1][ix + 1], values[iy + 1][ix]};
                    double[][] xy = {{ix, iy}, {ix + 1, iy}, {ix + 1, iy + 1}, {ix, iy + 1}};
                    double[] crossings = new double[8];
                    int found = 0;
                    for (int e = 0; e < 4 && found < 8; e++) {
                        double a = corner[e];
                        double b = corner[(e + 1) % 4];
                        if ((a < c) != (b < c)) {
                            double f = (c - a) / (b - a);
                            crossings[found++] = xy[e][0] + f * (xy[(e + 1) % 4][0] - xy[e][0]);
                            crossings[found++] = xy[e][1] + f * (xy[(e + 1) % 4][1] - xy[e][1]);
                        }
                    }
                    for (int k = 0; k + 3 < found; k += 4) {
                        path.moveTo(toX(plot, crossings[k]), toY(plot, crossings[k + 1]));
                        path.lineTo(toX(plot, crossings[k + 2]), toY(plot, crossings[k + 3]));
                    }
                }
            }
            g.draw(path);
        }
    }

    private void drawPatterns(Graphics2D g, Rectangle2D plot, Font font) {
        double lo = landscape.xs()[0];
        double hi = landscape.xs()[landscape.xs().length - 1];
        g.setFont(font.deriveFont(Font.BOLD));
        for (int i = 0; i < landscape.patterns().length; i++) {
            double x = plot.getX() + (landscape.patterns()[i][0] - lo) / (hi - lo) * plot.getWidth();
            double y = plot.getY() + plot.getHeight() - (landscape.patterns()[i][1] - lo) / (hi - lo) * plot.getHeight();
            Ellipse2D dot = new Ellipse2D.Double(x - 4.5, y - 4.5, 9, 9);
            g.setColor(Color.WHITE);
            g.fill(dot);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(dot);
            g.setColor(Color.WHITE);
            g.drawString("\u03c1" + (char) ('\u2081' + i), (float) (x + 7), (float) (y - 6));
        }
    }

    private void drawColourBar(Graphics2D g, Rectangle2D bar, Font font) {
        int steps = 100;
        for (int s = 0; s < steps; s++) {
            g.setColor(colour(s / (double) (steps - 1)));
            double y = bar.getY() + bar.getHeight() * (1 - (s + 1) / (double) steps);
            g.fill(new Rectangle2D.Double(bar.getX(), y, bar.getWidth(), bar.getHeight() / steps + 0.6));
        }
        g.setColor(new Color(0x555555));
        g.setStroke(new BasicStroke(1f));
        g.draw(bar);
        g.setFont(font);
        for (int t = 0; t <= 4; t++) {
            double v = min + (max - min) * t / 4;
            v = Math.abs(v) < 0.005 * Math.max(1, Math.abs(max - min)) ? 0 : v; // no "-0.00"
            double y = bar.getY() + bar.getHeight() * (1 - t / 4.0);
            g.draw(new java.awt.geom.Line2D.Double(bar.getMaxX(), y, bar.getMaxX() + 4, y));
            g.drawString(String.format(Locale.ROOT, "%.2f", v), (float) (bar.getMaxX() + 7), (float) (y + 4));
        }
    }

    private double toX(Rectangle2D plot, double gridX) {
        return plot.getX() + gridX / (values.length - 1) * plot.getWidth();
    }

    private double toY(Rectangle2D plot, double gridY) {
        return plot.getY() + plot.getHeight() - gridY / (values.length - 1) * plot.getHeight();
    }

    /** The colour map at {@code t} in [0, 1] (a perceptual rainbow, "turbo"-like, interpolated). */
    static Color colour(double t) {
        double clamped = Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t));
        double at = clamped * (COLOURS.length - 1);
        int i = Math.min((int) at, COLOURS.length - 2);
        double f = at - i;
        Color a = COLOURS[i];
        Color b = COLOURS[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static void drawCentered(Graphics2D g, String text, double x, double y) {
        FontMetrics metrics = g.getFontMetrics(g.getFont());
        g.drawString(text, (float) (x - metrics.stringWidth(text) / 2.0), (float) y);
    }

    private static void drawRight(Graphics2D g, String text, double x, double y) {
        FontMetrics metrics = g.getFontMetrics(g.getFont());
        g.drawString(text, (float) (x - metrics.stringWidth(text)), (float) y);
    }
}
