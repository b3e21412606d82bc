import { fakeExecuteContext } from '../../test-helpers/fake-context';
import { operationRouter } from '../run-items';

const router = operationRouter({
  echo: {
    async execute(this, itemIndex) {
      return { item: itemIndex, value: this.getNodeParameter('value', itemIndex) as string };
    },
  },
  fail: {
    async execute() {
      throw new Error('vendor said no');
    },
  },
});

describe('operationRouter', () => {
  it('runs the chosen operation per item and pairs each output with its item', async () => {
    const ctx = fakeExecuteContext({
      parameters: { operation: 'echo' },
      perItem: [{ value: 'a' }, { value: 'b' }],
      items: [{ json: {} }, { json: {} }],
    });
    expect(await router.call(ctx)).toEqual([
      [
        { json: { item: 0, value: 'a' }, pairedItem: { item: 0 } },
        { json: { item: 1, value: 'b' }, pairedItem: { item: 1 } },
      ],
    ]);
  });

  it('names an unknown operation, never falling back to an inherited property', async () => {
    for (const operation of ['nope', 'toString', 'constructor']) {
      await expect(router.call(fakeExecuteContext({ parameters: { operation } }))).rejects.toThrow(
        `Unknown operation "${operation}"`,
      );
    }
  });

  it('with Continue On Fail, outputs the error in the shape n8n routes to the error output', async () => {
    const out = await router.call(fakeExecuteContext({ parameters: { operation: 'fail' }, continueOnFail: true }));
    expect(out).toEqual([[{ json: { error: 'vendor said no' }, pairedItem: { item: 0 } }]]);
  });
});
