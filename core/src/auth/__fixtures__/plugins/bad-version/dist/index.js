export default [{
  name: 'acme_token', apiVersion: 1, description: 'Acme tokens',
  options: { type: 'object', properties: { realm: { type: 'string', default: 'main' } }, additionalProperties: false },
  requiredSecrets: [{ name: 'acme_key' }], injectedSecrets: [{ name: 'acme_token' }],
  async authenticate(ctx) { return { secrets: { acme_token: 'T-' + ctx.secrets.acme_key } }; },
  apply(request, session) { request.headers['x-acme'] = session.secrets.acme_token; },
}];
