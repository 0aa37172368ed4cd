import type { ComponentType, ReactNode } from 'react';
import { useEditor } from './context';
import { useEditorState } from './store';
import { Audio } from './audio/Audio';
import { Choices } from './choices/Choices';
import type { ConfigNode } from './config';
import { Header } from './header/Header';
import { HyperText } from './hypertext/HyperText';
import { Image } from './image/Image';
import { Labels } from './labels/Labels';
import { NumberTag } from './number/Number';
import { Rating } from './rating/Rating';
import { Taxonomy } from './taxonomy/Taxonomy';
import { TextArea } from './textarea/TextArea';
import { Text } from './text/Text';
import { Unsupported } from './unsupported/Unsupported';
import { View } from './view/View';
import { isVisible } from './visibility';

type TagComponent = ComponentType<{ node: ConfigNode; children?: ReactNode }>;

/** One component per config tag, by lower-case tag name (Label Studio reads tags case-insensitively). */
const TAGS: Record<string, TagComponent> = {
  view: View,
  header: Header,
  text: Text,
  choices: Choices,
  labels: Labels,
  image: Image,
  rectanglelabels: Labels,
  polygonlabels: Labels,
  keypointlabels: Labels,
  textarea: TextArea,
  rating: Rating,
  number: NumberTag,
  taxonomy: Taxonomy,
  hypertext: HyperText,
  audio: Audio,
  // Label Studio's older names for Audio
  audioplus: Audio,
};

/** Tags whose children are tags in their own right (a Choices' Choice children are its options instead). */
const CONTAINERS = new Set(['view']);

export const SUPPORTED_TAGS = Object.keys(TAGS);

/** Renders `children` only while the tag's `visibleWhen` condition holds. */
function WhenVisible({ node, children }: { node: ConfigNode; children: ReactNode }) {
  const { store } = useEditor();
  const visible = useEditorState(store, (s) => isVisible(node.attrs, s));
  return visible ? children : null;
}

export function TagNode({ node }: { node: ConfigNode }) {
  if (node.attrs.visibleWhen) {
    return (
      <WhenVisible node={node}>
        <Tag node={node} />
      </WhenVisible>
    );
  }
  return <Tag node={node} />;
}

function Tag({ node }: { node: ConfigNode }) {
  const kind = node.tag.toLowerCase();
  const Component = TAGS[kind] ?? Unsupported;
  if (!CONTAINERS.has(kind)) return <Component node={node} />;
  return (
    <Component node={node}>
      {node.children.map((c) => (
        <TagNode key={c.key} node={c} />
      ))}
    </Component>
  );
}
