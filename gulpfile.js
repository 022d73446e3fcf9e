const { src, dest } = require('gulp');

// tsc compiles the TypeScript; the icons and codex files it does not touch are copied beside the output.
function buildIcons() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:icons'] = buildIcons;
