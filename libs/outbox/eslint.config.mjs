import root from '../../eslint.config.mjs';

// Tests may use the test kit (@equihome/testing, tag type:testing) besides the domain. The
// kit imports no messaging code, so this adds no dependency cycle.
export default [
  ...root,
  {
    files: ['test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:domain', 'type:testing'] }],
        },
      ],
    },
  },
];
