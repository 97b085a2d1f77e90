/** The template language of manifests (DESIGN.md section 3): data paths and filters, never code. */
export { compileTemplate, lookupPath, type CompiledTemplate } from './render.js';
export { compileTemplateTree, appendOrigin, type CompiledTree, type CompileTreeOptions } from './tree.js';
export {
  parseTemplate,
  type TemplateNode,
  type ExpressionNode,
  type TextNode,
  type FilterCall,
  type Operand,
  type PathOperand,
  type LiteralOperand,
  type NowOperand,
  type GroupOperand,
} from './parse.js';
export {
  templateNamespaces,
  schemeTemplateNamespaces,
  childTemplateNamespaces,
  isTemplateNamespace,
  collectReferences,
  formatReference,
  type TemplateNamespace,
  type TemplateContext,
  type TemplateReference,
} from './references.js';
export { TemplateSyntaxError } from './template-syntax-error.js';
export { toText, filterNames, type FilterName } from './filters.js';
