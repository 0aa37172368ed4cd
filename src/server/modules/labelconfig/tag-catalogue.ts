/** Tags Label Studio's editor knows; anything else in a config is refused. */

export type TagKind = 'object' | 'part' | 'control' | 'label' | 'visual';

const OBJECT_TAGS = [
  'Text', 'HyperText', 'Image', 'Audio', 'AudioPlus', 'AudioUltra', 'Video', 'TimeSeries', 'Table',
  'Paragraphs', 'List', 'Chat', 'PDF', 'PdfOcr', 'Object3D', 'GPSMap',
];

// Children that configure their parent and carry no data or labels: TimeSeries channels, Ranker buckets.
const PART_TAGS = ['Channel', 'MultiChannel', 'Bucket'];

const CONTROL_TAGS = [
  'Choices', 'Labels', 'Rectangle', 'RectangleLabels', 'Polygon', 'PolygonLabels', 'KeyPoint', 'KeyPointLabels',
  'Ellipse', 'EllipseLabels', 'Brush', 'BrushLabels', 'VectorLabels', 'OcrLabels', 'HyperTextLabels',
  'ParagraphLabels', 'TimeSeriesLabels', 'TimelineLabels', 'VideoRectangle', 'VideoVector', 'VideoVectorLabels',
  'TextArea', 'Number', 'DateTime', 'Rating', 'Taxonomy', 'Ranker', 'Pairwise', 'Relations', 'ChatMessage',
  'ReactCode', 'MagicWand', 'Vector', 'Bitmask', 'BitmaskLabels', 'OcrTokenLabels', 'PdfLabels', 'TableLabels',
  'Cube', 'CubeLabels',
];

const LABEL_TAGS = ['Label', 'Choice', 'Relation'];

const VISUAL_TAGS = [
  'View', 'Header', 'Style', 'Filter', 'Collapse', 'Panel', 'Repeater', 'Shortcut', 'Dialog', 'Markdown', 'PagedView',
  'ResizableView',
];

export type CatalogueEntry = { name: string; kind: TagKind };

// The editor looks tags up case-insensitively, so a config may say <choices>.
const BY_LOWER = new Map<string, CatalogueEntry>();
for (const [kind, names] of [
  ['object', OBJECT_TAGS],
  ['part', PART_TAGS],
  ['control', CONTROL_TAGS],
  ['label', LABEL_TAGS],
  ['visual', VISUAL_TAGS],
] as const) {
  for (const name of names) BY_LOWER.set(name.toLowerCase(), { name, kind });
}

export function lookupTag(tag: string): CatalogueEntry | undefined {
  return BY_LOWER.get(tag.toLowerCase());
}

/** Relations groups Relation children and needs neither name nor toName. */
export function controlNeedsTarget(canonical: string): boolean {
  return canonical !== 'Relations';
}
