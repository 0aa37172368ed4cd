/** The labeling setups offered when a project is created (Label Studio's templates of the same names). */
export interface Template {
  id: string;
  title: string;
  group: 'Natural language' | 'Computer vision' | 'Audio and speech' | 'Generative AI' | 'Custom';
  description: string;
  config: string;
}

export const TEMPLATES: Template[] = [
  {
    id: 'text-classification',
    title: 'Text Classification',
    group: 'Natural language',
    description: 'Pick the sentiment (or any class) of a text.',
    config: `<View>
  <Text name="text" value="$text"/>
  <View style="box-shadow: 2px 2px 5px #999; padding: 20px; margin-top: 2em; border-radius: 5px;">
    <Header value="Choose text sentiment"/>
    <Choices name="sentiment" toName="text" choice="single" showInLine="true">
      <Choice value="Positive"/>
      <Choice value="Negative"/>
      <Choice value="Neutral"/>
    </Choices>
  </View>
</View>`,
  },
  {
    id: 'ner',
    title: 'Named Entity Recognition',
    group: 'Natural language',
    description: 'Mark people, organisations and places in a text.',
    config: `<View>
  <Labels name="label" toName="text">
    <Label value="PER" background="red"/>
    <Label value="ORG" background="darkorange"/>
    <Label value="LOC" background="orange"/>
    <Label value="MISC" background="green"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`,
  },
  {
    id: 'image-classification',
    title: 'Image Classification',
    group: 'Computer vision',
    description: 'Put each image in one or more classes.',
    config: `<View>
  <Image name="image" value="$image"/>
  <Choices name="choice" toName="image">
    <Choice value="Adult content"/>
    <Choice value="Weapons"/>
    <Choice value="Violence"/>
  </Choices>
</View>`,
  },
  {
    id: 'object-detection',
    title: 'Object Detection with Bounding Boxes',
    group: 'Computer vision',
    description: 'Draw labelled boxes around objects in images.',
    config: `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Airplane" background="green"/>
    <Label value="Car" background="blue"/>
  </RectangleLabels>
</View>`,
  },
  {
    id: 'polygon-segmentation',
    title: 'Semantic Segmentation with Polygons',
    group: 'Computer vision',
    description: 'Outline objects in images with labelled polygons.',
    config: `<View>
  <Header value="Select a label, click to add points, click the first point or press Enter to close"/>
  <Image name="image" value="$image"/>
  <PolygonLabels name="label" toName="image" strokeWidth="3" pointSize="small" opacity="0.9">
    <Label value="Airplane" background="red"/>
    <Label value="Car" background="blue"/>
  </PolygonLabels>
</View>`,
  },
  {
    id: 'keypoints',
    title: 'Keypoint Labeling',
    group: 'Computer vision',
    description: 'Mark labelled points (faces, joints, landmarks) on images.',
    config: `<View>
  <KeyPointLabels name="kp-1" toName="image">
    <Label value="Face" background="red"/>
    <Label value="Nose" background="green"/>
  </KeyPointLabels>
  <Image name="image" value="$image"/>
</View>`,
  },
  {
    id: 'audio-transcription',
    title: 'Audio Transcription',
    group: 'Audio and speech',
    description: 'Listen to a recording and write down what is said.',
    config: `<View>
  <Header value="Listen to the audio"/>
  <Audio name="audio" value="$audio" zoom="true"/>
  <Header value="Write the transcription"/>
  <TextArea name="transcription" toName="audio" rows="4" editable="true" maxSubmissions="1" placeholder="Transcription"/>
</View>`,
  },
  {
    id: 'llm-rating',
    title: 'LLM Response Rating',
    group: 'Generative AI',
    description: 'Rate a model’s answer to a prompt and say why.',
    config: `<View>
  <Header value="Prompt"/>
  <Text name="prompt" value="$prompt"/>
  <Header value="Response"/>
  <Text name="response" value="$response"/>
  <Rating name="rating" toName="response" maxRating="5"/>
  <TextArea name="comment" toName="response" placeholder="Why this rating?" rows="3"/>
</View>`,
  },
  {
    id: 'pairwise-comparison',
    title: 'Pairwise Comparison',
    group: 'Generative AI',
    description: 'Compare two answers to a prompt and pick the better one.',
    // Label Studio's <Pairwise> as two Text items and a single Choices, which our editor draws
    config: `<View>
  <Header value="Prompt"/>
  <Text name="prompt" value="$prompt"/>
  <View style="display: grid; grid-template-columns: 1fr 1fr; gap: 1em; margin-top: 1em;">
    <View>
      <Header value="Answer A"/>
      <Text name="answer_a" value="$answer_a"/>
    </View>
    <View>
      <Header value="Answer B"/>
      <Text name="answer_b" value="$answer_b"/>
    </View>
  </View>
  <Header value="Which answer is better?"/>
  <Choices name="preference" toName="prompt" choice="single" showInLine="true">
    <Choice value="Answer A"/>
    <Choice value="Answer B"/>
    <Choice value="Tie"/>
  </Choices>
</View>`,
  },
  {
    id: 'custom',
    title: 'Custom template',
    group: 'Custom',
    description: 'Start from an empty view and write the XML.',
    config: `<View>
  <Text name="text" value="$text"/>
</View>`,
  },
];
