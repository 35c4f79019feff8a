package amem.pipeline.cli;

import amem.pipeline.config.ConfigKey;
import amem.pipeline.config.ConfigSchema;
import amem.pipeline.config.Presets;
import amem.pipeline.hooks.CollectPresets;
import amem.pipeline.sweep.SweepGrid;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem presets}: lists the bundled presets, shows one, or lists the config keys. */
@Command(
        name = "presets",
        mixinStandardHelpOptions = true,
        description = {
            "List the bundled experiment presets, show one, or list the config keys.",
            "With a NAME print its full resolved configuration; with --keys list every config key,",
            "its default and meaning."
        })
final class PresetsCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "preset to show")
    String name;

    @Option(names = "--keys", description = "list the config keys")
    boolean keys;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (keys) {
            for (ConfigKey key : ConfigSchema.keys()) {
                out.printf("%-26s %-8s default %-10s %s%n", key.name(), key.type().name().toLowerCase(java.util.Locale.ROOT),
                        key.defaultValue(), key.doc());
            }
        } else if (name != null) {
            Presets.Preset preset = Presets.get(name);
            out.println("# " + preset.name() + ": " + preset.description());
            out.println(preset.resolve().toPrettyJson());
            if (preset.isSweep()) {
                SweepGrid grid = SweepGrid.parse(preset.grid(), preset.resolve());
                out.println("# grid for `amem sweep --preset " + name + "`: " + grid.size() + " cells");
                out.println(new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(grid.toJson()));
            }
        } else {
            out.println("Training presets (amem train --preset NAME; those with a grid also amem sweep --preset NAME):");
            for (Presets.Preset preset : Presets.all()) {
                String cells = preset.isSweep()
                        ? "[grid: " + SweepGrid.parse(preset.grid(), preset.resolve()).size() + " cells] " : "";
                out.printf("  %-24s %s%s%n", preset.name(), cells, preset.description());
            }
            out.println();
            out.println("Activation collections (amem collect --preset NAME):");
            for (CollectPresets.Preset preset : CollectPresets.all()) {
                out.printf("  %-24s %s%n", preset.name(), preset.description());
            }
        }
        out.flush();
        return 0;
    }
}
