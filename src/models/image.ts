/**
 * The image the image networks (unet, dit, the classifier) take and the image data sets give: Fashion-MNIST's
 * one grey channel of 28 × 28 pixels, flattened to IMAGE_PIXELS values per example.
 */
export const IMAGE_SIDE = 28;
/** [channels, height, width], as `Network.image`. */
export const IMAGE_SHAPE = [1, IMAGE_SIDE, IMAGE_SIDE] as const;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
