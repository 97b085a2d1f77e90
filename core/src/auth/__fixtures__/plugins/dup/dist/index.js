export default { name: 'basic', apiVersion: 1, requiredSecrets: [], injectedSecrets: [], async authenticate() { return { secrets: {} }; }, apply() {} };
