// A require hook for the test harness's TypeScript (test/support/*.ts and what it imports), so the
// bench runs on plain Node without ts-node: each .ts file is transpiled on load with the project's
// own `typescript` (transpileModule: no type checking, CommonJS out).
'use strict';

const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2022,
	esModuleInterop: true,
	sourceMap: false,
	inlineSourceMap: true,
};

if (!require.extensions['.ts']) {
	require.extensions['.ts'] = (module, filename) => {
		const source = fs.readFileSync(filename, 'utf8');
		const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
		module._compile(outputText, filename);
	};
}
