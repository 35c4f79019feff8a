package amem.pipeline.cli;

import ai.djl.ndarray.NDManager;

/** The engine's manager on the {@code --device}, created on first use so that loss-only analysis never loads libtorch. */
final class LazyEngine implements AutoCloseable {

    private final DeviceOption device;
    private NDManager manager;

    LazyEngine(DeviceOption device) {
        this.device = device;
    }

    NDManager manager() {
        if (manager == null) {
            manager = NDManager.newBaseManager(device.resolve());
        }
        return manager;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
