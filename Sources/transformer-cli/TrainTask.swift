/// `train --task`: what is trained.
enum TrainTask: String, CaseIterable {
    /// An encoder-decoder on source<TAB>target pairs.
    case translate
    /// An encoder classifier on label<TAB>text lines.
    case classify
    /// A decoder-only language model on a plain text.
    case lm
    /// A Vision Transformer on labelled images (an image folder or MNIST-layout IDX files).
    case imageClassify = "image-classify"
}
