// Bundled beside the built demo as `e2ePageLibrary.js`, so an e2e test can
// call the library on the demo page the way an app's own code would:
// `import('/e2ePageLibrary.js')` in the page (see e2eDemoSite.ts).
export { createPushPermission } from '../../adapters/createPushPermission.js';
