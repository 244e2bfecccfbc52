// Starts the explorer's Web Worker: loads the worker's wasm-bindgen glue (daxlab-worker.js,
// which trunk emits next to index.html) and its wasm, passing the wasm's path in the object
// form wasm-bindgen asks for (trunk's own loader shim uses the deprecated bare string, which
// logs a warning on every search). If the wasm cannot load (a 404, offline, a policy), the page
// hears an error reply (search.rs's `error=`) and searches on its own thread instead of waiting.
importScripts('./daxlab-worker.js');
wasm_bindgen({ module_or_path: './daxlab-worker_bg.wasm' }).catch((e) => {
  self.postMessage('error=' + encodeURIComponent('the worker could not load its wasm: ' + e));
});
