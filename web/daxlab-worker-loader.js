// Starts the explorer's Web Worker: loads the worker's wasm-bindgen glue (daxlab-worker.js,
// which trunk emits next to index.html) and its wasm, passing the wasm's path in the object
// form wasm-bindgen asks for (trunk's own loader shim uses the deprecated bare string, which
// logs a warning on every search).
importScripts('./daxlab-worker.js');
wasm_bindgen({ module_or_path: './daxlab-worker_bg.wasm' });
