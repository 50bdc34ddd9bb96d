"""Engine tests: the shared contract, the argos engine, a fake engine for orchestration tests."""
