export default { type: 'half-done', options: { type: 'object' } };
