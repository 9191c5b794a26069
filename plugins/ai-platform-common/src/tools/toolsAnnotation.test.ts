import { InputError } from '@backstage/errors';
import { parseToolsAnnotation } from './toolsAnnotation';

describe('parseToolsAnnotation', () => {
  it('reads comma-separated tool names, trimmed, without duplicates', () => {
    expect(
      parseToolsAnnotation(
        ' search_orders, refund_order ,search_orders, github/get_pr ',
        'api:default/orders-mcp',
      ),
    ).toEqual(['search_orders', 'refund_order', 'github/get_pr']);
  });

  it.each([
    ['', 'lists no tool'],
    [' , ', 'lists no tool'],
    ['ok, not a tool!', "'not a tool!' is not a tool name"],
    [`ok, ${'x'.repeat(129)}`, 'is not a tool name'],
  ])('refuses %p naming the annotation and the entity', (value, problem) => {
    expect(() => parseToolsAnnotation(value, 'api:default/orders-mcp')).toThrow(
      InputError,
    );
    expect(() => parseToolsAnnotation(value, 'api:default/orders-mcp')).toThrow(
      `Annotation 'aiplatform.io/tools' of api:default/orders-mcp`,
    );
    expect(() => parseToolsAnnotation(value, 'api:default/orders-mcp')).toThrow(
      problem,
    );
  });
});
