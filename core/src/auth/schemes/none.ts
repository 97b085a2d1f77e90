import { loadSchema } from '../../schema/load-schema.js';
import { defineAuthScheme } from '../../plugin-api.js';

/** No authentication: requests go out as they are. */
export const noneScheme = defineAuthScheme({
  name: 'none',
  apiVersion: 1,
  description: 'No authentication.',
  options: loadSchema('auth/none.json'),
  requiredSecrets: [],
  injectedSecrets: [],
  async authenticate() {
    return { secrets: {} };
  },
  apply() {},
});
