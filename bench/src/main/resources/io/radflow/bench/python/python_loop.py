"""The benchmark's baseline: a plain Python loop calling MDAIModel.predict over files already in
memory, in one process, with the package set up as Radflow's runner sets it up (config.yaml env,
package root and .mdai/ on sys.path, package root as working directory).

    python3 python_loop.py PACKAGE_ROOT JOBS FILE...

Job i reads FILE[i % len(FILE)]. Prints one JSON line: {"jobs": JOBS, "seconds": ..., "cpu_seconds": ...}.
"""
import json
import os
import sys
import time


def main():
    root, jobs, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    mdai = os.path.join(root, ".mdai")
    with open(os.path.join(mdai, "config.yaml")) as f:
        import yaml
        config = yaml.safe_load(f) or {}
    for key, value in (config.get("env") or {}).items():
        os.environ[str(key)] = str(value)
    os.chdir(root)
    sys.path.insert(0, root)
    sys.path.insert(1, mdai)
    import mdai_deploy

    model = mdai_deploy.MDAIModel()
    contents = []
    for p in paths:
        with open(p, "rb") as f:
            contents.append(f.read())

    def data(i):
        return {"files": [{"content": contents[i % len(contents)], "content_type": "application/dicom"}],
                "annotations": [], "label_classes": [], "args": {}, "input_data_source": "MEMORY"}

    model.predict(data(0))  # warm-up, as the worker's first job
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(jobs):
        outputs = model.predict(data(i))
        assert isinstance(outputs, list)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"jobs": jobs, "seconds": seconds, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
