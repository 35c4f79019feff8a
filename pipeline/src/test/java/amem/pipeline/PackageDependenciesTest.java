package amem.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;

/**
 * The package structure of all three modules (datasets, models, pipeline: the pipeline's test class path sees
 * them all), checked on the compiled classes: no package cycle, and every dependency runs down the data flow
 * described in docs/ARCHITECTURE.md. A new import that reaches up the order, or closes a loop between two
 * packages, fails here with the offending classes named.
 */
@AnalyzeClasses(packages = "amem", importOptions = {ImportOption.DoNotIncludeTests.class,
        PackageDependenciesTest.AmemArtifactsOnly.class})
class PackageDependenciesTest {

    /**
     * amem's classes are class directories in a reactor build ({@code -am}) or the amem-* jars after
     * {@code package}; leaving the other jars unread (DJL, libtorch, Tablesaw) keeps the import to seconds.
     */
    static final class AmemArtifactsOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.isArchive() || location.contains("/amem-");
        }
    }

    /**
     * The layers, lowest first: each may use any layer before it and none after it. Peers that do not use each
     * other still get a place in the order (weights before hooks before train), so that a future dependency
     * between them can only go one way.
     */
    private static final List<String[]> ORDER = List.of(
            new String[] {"datasets", "amem.datasets.."},
            new String[] {"models", "amem.models.."},
            new String[] {"config and run files", "amem.pipeline.config..", "amem.pipeline.run.."},
            new String[] {"session", "amem.pipeline.session.."},
            new String[] {"weights", "amem.pipeline.weights.."},
            new String[] {"hooks", "amem.pipeline.hooks.."},
            new String[] {"train", "amem.pipeline.train.."},
            new String[] {"analysis", "amem.pipeline.analysis.."},
            new String[] {"bench", "amem.pipeline.bench.."},
            new String[] {"sweep", "amem.pipeline.sweep.."},
            new String[] {"report", "amem.pipeline.report.."},
            new String[] {"cli", "amem.pipeline.cli.."});

    /** Every package is its own slice: no two packages (at any depth) may depend on each other in a loop. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("amem.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule dependenciesFollowTheDataFlow = dataFlowOrder();

    /** The .npy format is plain Java: Python users read these files, nothing of DJL or amem may leak in. */
    @ArchTest
    static final ArchRule npyNeedsOnlyTheJdk = classes().that().resideInAPackage("amem.datasets.npy..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "amem.datasets.npy..");

    private static ArchRule dataFlowOrder() {
        // Every amem class must sit in a layer: a new package fails here until it is given its place in ORDER.
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture();
        for (String[] layer : ORDER) {
            layers = layers.layer(layer[0]).definedBy(Arrays.copyOfRange(layer, 1, layer.length));
        }
        for (int i = 0; i < ORDER.size() - 1; i++) {
            String[] above = ORDER.subList(i + 1, ORDER.size()).stream().map(l -> l[0]).toArray(String[]::new);
            layers = layers.whereLayer(ORDER.get(i)[0]).mayOnlyBeAccessedByLayers(above);
        }
        return layers.whereLayer(ORDER.get(ORDER.size() - 1)[0]).mayNotBeAccessedByAnyLayer();
    }
}
