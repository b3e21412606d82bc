import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The "AI Photo" node's parameters: Task (create, get, get many, cancel, download) and Account
 * (balance, membership). Fields are shown per resource/operation as in n8n's own app nodes.
 */

const TASK_OPERATIONS: INodePropertyOptions[] = [
  {
    name: 'Cancel',
    value: 'cancel',
    action: 'Cancel a task',
    description: 'Cancel an unfinished task and refund its credit',
  },
  {
    name: 'Create',
    value: 'create',
    action: 'Create a task',
    description: 'Make images from a photo (one task per item)',
  },
  {
    name: 'Download Results',
    value: 'download',
    action: 'Download the results of a task',
    description: 'Result images as binary data',
  },
  { name: 'Get', value: 'get', action: 'Get a task', description: 'A task with its status and result URLs' },
  { name: 'Get Many', value: 'getMany', action: 'Get many tasks', description: 'Own tasks, newest first' },
];

const task = { resource: ['task'] };
const op = (...operation: string[]) => ({ show: { ...task, operation } });

export const properties: INodeProperties[] = [
  {
    displayName: 'Resource',
    name: 'resource',
    type: 'options',
    noDataExpression: true,
    options: [
      { name: 'Account', value: 'account', description: 'Credits and membership of the account' },
      { name: 'Task', value: 'task', description: 'Create, read, cancel and download image tasks' },
    ],
    default: 'task',
  },
  // Used as an AI agent's tool, the node offers Cancel only when this is switched on: an agent
  // may read and create, but should not throw away a merchant's paid work by default.
  {
    displayName: 'Allow Cancel (AI Tool)',
    name: 'toolAllowCancel',
    type: 'boolean',
    default: false,
    description: 'Whether an AI agent using this node may cancel tasks',
    displayOptions: { show: { '@tool': [true], resource: ['task'] } },
  },
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    options: TASK_OPERATIONS,
    default: 'create',
    displayOptions: { show: { '@tool': [false], ...task } },
  },
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    options: TASK_OPERATIONS.filter((o) => o.value !== 'cancel'),
    default: 'create',
    displayOptions: { show: { '@tool': [true], toolAllowCancel: [false], ...task } },
  },
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    options: TASK_OPERATIONS,
    default: 'create',
    displayOptions: { show: { '@tool': [true], toolAllowCancel: [true], ...task } },
  },
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    options: [
      {
        name: 'Get Balance',
        value: 'getBalance',
        action: 'Get the credit balance',
        description: 'Credits left and until when',
      },
      {
        name: 'Get Membership',
        value: 'getMembership',
        action: 'Get the membership',
        description: 'Membership state of the account',
      },
    ],
    default: 'getBalance',
    displayOptions: { show: { resource: ['account'] } },
  },

  // --- Task: create ---------------------------------------------------------------------------
  {
    displayName: 'Type Name or ID',
    name: 'type',
    type: 'options',
    typeOptions: { loadOptionsMethod: 'getTaskTypes' },
    default: '',
    required: true,
    description:
      'What to make, as offered by AI Photo. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
    displayOptions: op('create'),
  },
  {
    displayName: 'Image Source',
    name: 'source',
    type: 'options',
    options: [
      { name: 'Image URL', value: 'url', description: 'AI Photo downloads a public image' },
      { name: 'Binary Data', value: 'binary', description: 'An image in a binary property of the item' },
      { name: 'Upload Key', value: 'key', description: 'The key of an image uploaded before' },
    ],
    default: 'url',
    displayOptions: op('create'),
  },
  {
    displayName: 'Image URL',
    name: 'imageUrl',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'https://shop.example.com/products/42.jpg',
    hint: 'A public http(s) address of a JPEG, PNG or WebP photo; AI Photo downloads it once',
    displayOptions: { show: { ...task, operation: ['create'], source: ['url'] } },
  },
  {
    displayName: 'Input Binary Field',
    name: 'binaryPropertyName',
    type: 'string',
    default: 'data',
    required: true,
    hint: 'The name of the binary field that holds the photo',
    displayOptions: { show: { ...task, operation: ['create'], source: ['binary'] } },
  },
  {
    displayName: 'Upload Key',
    name: 'uploadKey',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'input/…/….jpg',
    hint: 'The "key" an earlier upload answered (a photo of this account)',
    displayOptions: { show: { ...task, operation: ['create'], source: ['key'] } },
  },
  {
    displayName: 'Parameters',
    name: 'params',
    type: 'resourceMapper',
    noDataExpression: true,
    hint: 'The parameters of the chosen type (scene, category …), loaded from your AI Photo account',
    default: { mappingMode: 'defineBelow', value: null },
    required: true,
    typeOptions: {
      loadOptionsDependsOn: ['type'],
      resourceMapper: {
        resourceMapperMethod: 'getTypeFields',
        mode: 'add',
        valuesLabel: 'Parameters',
        fieldWords: { singular: 'parameter', plural: 'parameters' },
        addAllFields: true,
        multiKeyMatch: false,
        supportAutoMap: false,
        noFieldsError: 'This type takes no parameters',
      },
    },
    displayOptions: op('create'),
  },
  {
    displayName: 'Wait for Completion',
    name: 'waitForCompletion',
    type: 'boolean',
    default: true,
    description:
      'Whether to wait until each task is done, failed or canceled and output it with its result URLs. Off: output the queued task at once (pair the workflow with the AI Photo Trigger (events) node).',
    displayOptions: op('create'),
  },
  {
    displayName: 'Options',
    name: 'createOptions',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: op('create'),
    options: [
      {
        displayName: 'Fail Item When Task Fails',
        name: 'failOnTaskFailure',
        type: 'boolean',
        default: true,
        description: 'Whether a task that ends failed or canceled is an error of its item (else it is output as is)',
      },
      {
        displayName: 'Idempotency Key',
        name: 'idempotencyKey',
        type: 'string',
        default: '',
        description:
          'Same key, same task: a retried run creates nothing twice and is charged once (letters, digits, . : _ -; up to 100)',
      },
      {
        displayName: 'Poll Interval (Seconds)',
        name: 'pollSeconds',
        type: 'number',
        typeOptions: { minValue: 2, maxValue: 60 },
        default: 5,
        description: 'How often to ask about unfinished tasks while waiting (one request for each unfinished task)',
      },
      {
        displayName: 'Timeout (Minutes)',
        name: 'timeoutMinutes',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 120 },
        default: 15,
        description: 'Give up waiting after this long; the task goes on and can be fetched later',
      },
    ],
  },

  // --- Task: get, cancel, download ------------------------------------------------------------
  {
    displayName: 'Task ID',
    name: 'taskId',
    type: 'string',
    default: '={{ $json.id }}',
    required: true,
    hint: 'The "id" of a task, as Create or Get Many output it',
    displayOptions: op('get', 'cancel', 'download'),
  },
  {
    displayName: 'Download As',
    name: 'downloadAs',
    type: 'options',
    options: [
      { name: 'One ZIP File', value: 'zip', description: 'All results in one ZIP in one item' },
      { name: 'One Item per Image', value: 'files', description: 'Each result image as its own item' },
    ],
    default: 'zip',
    displayOptions: op('download'),
  },
  {
    displayName: 'Put Output File in Field',
    name: 'outputBinaryField',
    type: 'string',
    default: 'data',
    required: true,
    hint: 'The name of the output binary field',
    displayOptions: op('download'),
  },

  // --- Task: get many -------------------------------------------------------------------------
  {
    displayName: 'Return All',
    name: 'returnAll',
    type: 'boolean',
    default: false,
    description: 'Whether to return all results or only up to a given limit',
    displayOptions: op('getMany'),
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
    displayOptions: { show: { ...task, operation: ['getMany'], returnAll: [false] } },
  },
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add filter',
    default: {},
    displayOptions: op('getMany'),
    options: [
      {
        displayName: 'Status',
        name: 'status',
        type: 'options',
        options: [
          { name: 'Canceled', value: 'canceled' },
          { name: 'Done', value: 'done' },
          { name: 'Failed', value: 'failed' },
          { name: 'Processing', value: 'processing' },
          { name: 'Queued', value: 'queued' },
        ],
        default: 'done',
        description: 'Only tasks in this state',
      },
      {
        displayName: 'Type Name or ID',
        name: 'type',
        type: 'options',
        typeOptions: { loadOptionsMethod: 'getTaskTypes' },
        default: '',
        description:
          'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
      },
    ],
  },
];
